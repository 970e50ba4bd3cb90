import { describe, expect, it } from "vitest";
import { HammingRows } from "../../src/search/hamming.js";

const rand = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;

/** The distance the slow way: count the dimensions whose signs differ. */
function bySigns(a: number[], b: number[]): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) if (a[j] > 0 !== b[j] > 0) d++;
  return d;
}

describe("HammingRows (sign bits, distances in WebAssembly)", () => {
  for (const dims of [8, 64, 100, 384, 512]) {
    it(`gives the number of differing signs at ${dims} dimensions`, () => {
      const r = rand(dims);
      const vectors = Array.from({ length: 300 }, () => Array.from({ length: dims }, r));
      const table = new HammingRows(dims, 300);
      vectors.forEach((v, i) => table.setRow(i, v));
      const query = Array.from({ length: dims }, r);
      expect([...table.distances(query, 300)]).toEqual(vectors.map((v) => bySigns(v, query)));
    });
  }

  it("keeps rows when grown and moved, and refuses to read past its rows", () => {
    const r = rand(7);
    const vectors = Array.from({ length: 40 }, () => Array.from({ length: 512 }, r));
    let table = new HammingRows(512, 20);
    vectors.slice(0, 20).forEach((v, i) => table.setRow(i, v));
    table = table.grown(40);
    vectors.slice(20).forEach((v, i) => table.setRow(20 + i, v));
    table.moveRow(39, 0);
    const query = vectors[5];
    const expected = vectors.map((v) => bySigns(v, query));
    expected[0] = expected[39];
    expect([...table.distances(query, 40)]).toEqual(expected);
    expect(table.distances(query, 40)[5]).toBe(0);
    expect(() => table.distances(query, 41)).toThrow(/41 distances of 40 rows/);
  });
});
