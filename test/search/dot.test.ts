import { describe, expect, it } from "vitest";
import { DotRows } from "../../src/search/dot.js";

const rand = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
/** The plain reference: one multiply-add after another, in double precision. */
const dot = (a: number[], b: number[]) => a.reduce((s, x, j) => s + x * b[j], 0);

describe("DotRows (exact dot products)", () => {
  for (const dims of [1, 3, 8, 100, 384, 513]) {
    it(`scores every row, or the rows picked, at ${dims} dimensions`, () => {
      const rows = 300;
      const r = rand(dims);
      const vectors = Array.from({ length: rows }, () => Array.from({ length: dims }, r));
      const m = new DotRows(dims, rows);
      vectors.forEach((v, i) => m.row(i).set(v));
      const query = Array.from({ length: dims }, r);
      const all = [...m.dots(Float32Array.from(query), rows)];
      all.forEach((s, i) => expect(s).toBeCloseTo(dot(vectors[i], query), 4));
      const picked = [...m.dots(Float32Array.from(query), [rows - 1, 0, 42])];
      expect(picked).toEqual([all[rows - 1], all[0], all[42]]);
    });
  }

  it("keeps rows when grown and moved, and refuses to read past its rows", () => {
    const r = rand(1);
    const vectors = Array.from({ length: 30 }, () => Array.from({ length: 384 }, r));
    let m = new DotRows(384, 10);
    vectors.slice(0, 10).forEach((v, i) => m.row(i).set(v));
    m = m.grown(40);
    vectors.slice(10).forEach((v, i) => m.row(10 + i).set(v));
    m.moveRow(29, 3);
    const query = Float32Array.from(vectors[7]);
    const got = [...m.dots(query, 30)];
    const want = vectors.map((v) => dot(v, [...query]));
    want[3] = want[29];
    got.forEach((s, i) => expect(s).toBeCloseTo(want[i], 4));
    expect(() => m.dots(query, 41)).toThrow(/41 products of 40 rows/);
  });
});
