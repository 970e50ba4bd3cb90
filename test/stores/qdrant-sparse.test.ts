/** Sparse lexical vectors and point ids (no server needed). */
import { describe, expect, it } from "vitest";
import { tokenize } from "../../src/search/tokenize.js";
import { pointId, uuidV5 } from "../../src/stores/qdrant/ids.js";
import {
  ASSUMED_AVERAGE_LENGTH,
  BM25_B,
  BM25_K1,
  documentSparseVector,
  querySparseVector,
  termIndex,
} from "../../src/stores/qdrant/sparse.js";

describe("sparse lexical vectors", () => {
  it("maps a token to a fixed unsigned 32-bit index (FNV-1a of its UTF-8 bytes)", () => {
    expect(termIndex("")).toBe(0x811c9dc5);
    expect(termIndex("a")).toBe(0xe40c292c);
    expect(termIndex("foobar")).toBe(0xbf9cf968);
    const zh = termIndex("咖啡");
    expect(zh).toBe(termIndex("咖啡"));
    expect(zh).toBeGreaterThanOrEqual(0);
    expect(zh).toBeLessThan(2 ** 32);
    expect(termIndex("kayak")).not.toBe(termIndex("kayaks"));
  });

  it("documents carry BM25's saturated tf with length normalisation; indices sorted and unique", () => {
    const tokens = ["kayak", "kayak", "lake"];
    const v = documentSparseVector(tokens);
    expect(v.indices).toEqual([...v.indices].sort((a, b) => a - b));
    expect(new Set(v.indices).size).toBe(v.indices.length);
    const norm = BM25_K1 * (1 - BM25_B + (BM25_B * 3) / ASSUMED_AVERAGE_LENGTH);
    const weight = (tf: number) => (tf * (BM25_K1 + 1)) / (tf + norm);
    const byIndex = new Map(v.indices.map((i, k) => [i, v.values[k]]));
    expect(byIndex.get(termIndex("kayak"))).toBeCloseTo(weight(2), 10);
    expect(byIndex.get(termIndex("lake"))).toBeCloseTo(weight(1), 10);
    // Saturation: many repeats never pass k1 + 1.
    expect(documentSparseVector(new Array(1000).fill("x")).values[0]).toBeLessThan(BM25_K1 + 1);
    // A term in a shorter memory weighs more than in a longer one.
    const short = documentSparseVector(["kayak"]).values[0];
    const long = documentSparseVector(["kayak", ...Array.from({ length: 40 }, (_, i) => `w${i}`)]);
    expect(short).toBeGreaterThan(long.values[long.indices.indexOf(termIndex("kayak"))]);
  });

  it("queries weigh each distinct term once; empty input gives an empty vector", () => {
    const q = querySparseVector(tokenize("cats and more cats in 上海"));
    expect(q.values.every((w) => w === 1)).toBe(true);
    expect(q.indices.length).toBe(new Set(tokenize("cats and more cats in 上海")).size);
    expect(querySparseVector([])).toEqual({ indices: [], values: [] });
    expect(documentSparseVector([])).toEqual({ indices: [], values: [] });
  });
});

describe("point ids", () => {
  it("are RFC 4122 version-5 UUIDs, the same for the same input", () => {
    const id = uuidV5("hello");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV5("hello")).toBe(id);
    expect(pointId("memory", "u1", "m1")).toBe(pointId("memory", "u1", "m1"));
  });

  it("differ by owner, kind, and never collide through separators", () => {
    const ids = new Set([
      pointId("memory", "u1", "m1"),
      pointId("memory", "u2", "m1"),
      pointId("history", "u1", "m1"),
      pointId("memory", "u1|m", "1"),
      pointId("memory", "u1", "|m1"),
      pointId("memory", 'u1","m1', ""),
    ]);
    expect(ids.size).toBe(6);
  });
});
