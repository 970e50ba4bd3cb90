import { describe, expect, it } from "vitest";
import { Int8Rows } from "../../src/search/int8.js";

const rand = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
};

describe("Int8Rows (byte vectors, rough products in WebAssembly)", () => {
  for (const dims of [8, 100, 384, 512]) {
    it(`gives products within the rounding of the exact ones at ${dims} dimensions`, () => {
      const r = rand(dims);
      const vectors = Array.from({ length: 200 }, () => Array.from({ length: dims }, r));
      const table = new Int8Rows(dims, 200);
      vectors.forEach((v, i) => table.setRow(i, v));
      const query = Array.from({ length: dims }, r);
      const picks = Int32Array.from({ length: 100 }, (_, k) => (k * 37) % 200);
      const rough = table.dots(query, picks);
      // Rounding to 1/254 of each vector's range: the error of a product stays a small share of
      // the product's possible size (|v| · |query|), far below the spread of the exact products.
      const qMax = Math.max(...query.map(Math.abs));
      picks.forEach((p, k) => {
        const exact = dot(vectors[p], query);
        const bound = (Math.sqrt(dims) * Math.max(...vectors[p].map(Math.abs)) * qMax) / 64;
        expect(Math.abs(rough[k] * (qMax / 127) - exact)).toBeLessThan(bound);
      });
      // And the order follows: the rough best is among the exact best few.
      const exactOrder = [...picks].sort((a, b) => dot(vectors[b], query) - dot(vectors[a], query));
      const roughBest = picks[rough.indexOf(Math.max(...rough))];
      expect(exactOrder.slice(0, 5)).toContain(roughBest);
    });
  }

  it("keeps rows when grown and moved, scores a zero vector as 0, and refuses to read past its rows", () => {
    const r = rand(3);
    const vectors = Array.from({ length: 40 }, () => Array.from({ length: 64 }, r));
    let table = new Int8Rows(64, 20);
    vectors.slice(0, 20).forEach((v, i) => table.setRow(i, v));
    table = table.grown(40);
    vectors.slice(20).forEach((v, i) => table.setRow(20 + i, v));
    table.moveRow(39, 0);
    table.setRow(1, Array(64).fill(0));
    const all = Int32Array.from({ length: 40 }, (_, i) => i);
    const rough = table.dots(vectors[39], all);
    expect(rough.indexOf(Math.max(...rough))).toBe(0);
    expect(rough[39]).toBeCloseTo(rough[0], 6);
    expect(rough[1]).toBe(0);
    expect(() => table.dots(vectors[0], new Int32Array(41))).toThrow(/41 products of 40 rows/);
  });
});
