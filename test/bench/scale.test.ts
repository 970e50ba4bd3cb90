import { describe, expect, it } from "vitest";
import { runScaleCase } from "../../bench/scale/case.js";
import { randomUnitVector, seededRandom, syntheticFact, syntheticQuery } from "../../bench/scale/synthetic.js";

describe("scale benchmark data", () => {
  it("is the same for the same seed and differs for another", () => {
    const take = (seed: number) => {
      const r = seededRandom(seed);
      return [syntheticFact(r), syntheticFact(r), syntheticQuery(r)];
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it("mixes English and Chinese facts with dates", () => {
    const r = seededRandom(1);
    const facts = Array.from({ length: 300 }, () => syntheticFact(r));
    expect(facts.some((f) => /\p{Script=Han}/u.test(f.text))).toBe(true);
    expect(facts.some((f) => /^User /.test(f.text))).toBe(true);
    expect(facts.every((f) => /^20(23|24|25)-\d{2}-\d{2}$/.test(f.eventTime))).toBe(true);
    expect(new Set(facts.map((f) => f.text)).size).toBeGreaterThan(150);
  });

  it("draws unit vectors", () => {
    const r = seededRandom(3);
    for (const dims of [3, 512]) {
      const v = randomUnitVector(r, dims);
      expect(v).toHaveLength(dims);
      expect(Math.hypot(...v)).toBeCloseTo(1, 9);
    }
  });
});

describe("scale case", () => {
  it("ingests and searches through the engine on the embedded store", async () => {
    const result = await runScaleCase("sqlite", 3, 120, 10, 42, 16);
    expect(result.memories).toBe(120);
    expect(result.users).toBe(3);
    expect(result.ingest.memoriesPerSec).toBeGreaterThan(0);
    expect(result.searchMs.n).toBe(10);
    expect(result.rssMB).toBeGreaterThan(0);
  });
});
