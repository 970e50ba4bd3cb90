import { describe, expect, it } from "vitest";
import { bestAccepted, topByScore } from "../../src/search/top-k.js";

// Scores with many ties (rounded), so the tie rule is exercised too.
const scores = Float32Array.from({ length: 500 }, (_, i) => Math.round(Math.sin(i * 7.3) * 50) / 10);
const keep = (i: number) => i % 3 !== 0;
const bruteForce = [...scores.keys()].filter(keep).sort((a, b) => scores[b] - scores[a] || a - b);
const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);

describe("top k", () => {
  it("bestAccepted returns the k best accepted candidates, best first, like a full sort", () => {
    const all = Int32Array.from(scores.keys());
    for (const k of [0, 1, 7, 50, 400, 1000]) expect(bestAccepted(all, k, worse, keep)).toEqual(bruteForce.slice(0, k));
  });

  it("topByScore gives the same on typed arrays, with flags for the accepted", () => {
    const flags = Uint8Array.from(scores, (_, i) => (keep(i) ? 1 : 0));
    for (const k of [0, 1, 7, 50, 400, 1000]) expect(topByScore(scores, k, flags)).toEqual(bruteForce.slice(0, k));
    const everyIndex = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
    expect(topByScore(scores, 30)).toEqual(everyIndex.slice(0, 30));
  });
});

describe("topByScore with a tie rule", () => {
  it("puts tied scores in the order the rule gives", () => {
    const tied = Float64Array.from([1, 3, 3, 2, 3, 1]);
    const names = ["f", "c", "a", "e", "b", "d"];
    expect(topByScore(tied, 4, undefined, (a, b) => names[a] < names[b])).toEqual([2, 4, 1, 3]);
    expect(topByScore(tied, 4)).toEqual([1, 2, 4, 3]);
  });
});
