import { describe, expect, it } from "vitest";
import { latencySummary, percentile, recallAtK } from "../../bench/lib/metrics.js";

describe("recall@k", () => {
  const ranked = [["D1:1"], ["D2:4", "D2:5"], ["D3:1"], ["D1:2"]];

  it("is the share of evidence ids among the top k results' source ids", () => {
    expect(recallAtK(["D1:1"], ranked, 1)).toBe(1);
    expect(recallAtK(["D1:1", "D1:2"], ranked, 3)).toBe(0.5);
    expect(recallAtK(["D1:1", "D1:2"], ranked, 4)).toBe(1);
    expect(recallAtK(["D2:5", "D9:9"], ranked, 2)).toBe(0.5);
  });

  it("counts a result citing several turns for each of them, and duplicates once", () => {
    expect(recallAtK(["D2:4", "D2:5"], [["D2:4", "D2:5"], ["D2:4"]], 2)).toBe(1);
  });

  it("handles fewer results than k and empty evidence", () => {
    expect(recallAtK(["D3:1"], ranked, 50)).toBe(1);
    expect(recallAtK([], ranked, 5)).toBe(0);
    expect(recallAtK(["D1:1"], [], 5)).toBe(0);
  });
});

describe("percentile", () => {
  it("interpolates linearly between closest ranks", () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(5);
    expect(percentile(values, 95)).toBeCloseTo(4.8);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it("is NaN with no values and exact with one", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 95)).toBe(7);
  });

  it("summarises latencies", () => {
    const s = latencySummary(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).toEqual({ p50: 50.5, p95: 95.05, mean: 50.5, n: 100 });
  });
});
