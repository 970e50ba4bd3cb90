import { describe, expect, it } from "vitest";
import { Bm25Index } from "../../src/search/bm25.js";

/** Okapi BM25 the slow way, over every document (idf: ln(1 + (n - df + 0.5) / (df + 0.5)), k1 1.2, b 0.75). */
function bruteForce(docs: Map<string, string[]>, query: string[]): { id: string; score: number }[] {
  const n = docs.size;
  const avg = [...docs.values()].reduce((s, d) => s + d.length, 0) / n;
  const out: { id: string; score: number }[] = [];
  for (const [id, doc] of docs) {
    let score = 0;
    for (const term of new Set(query)) {
      const f = doc.filter((t) => t === term).length;
      if (!f) continue;
      const df = [...docs.values()].filter((d) => d.includes(term)).length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * doc.length) / avg));
    }
    if (score > 0) out.push({ id, score });
  }
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

const WORDS = ["kayak", "lisbon", "tea", "chess", "爬山", "火锅", "dog", "rain"];

describe("Bm25Index (postings, per index statistics)", () => {
  it("ranks like BM25 computed over every document, through sets, replacements and removals", () => {
    const index = new Bm25Index();
    const docs = new Map<string, string[]>();
    for (let step = 0; step < 300; step++) {
      const id = `d${(step * 7919) % 97}`;
      if (step % 5 === 4) {
        index.remove(id);
        docs.delete(id);
      } else {
        const tokens = Array.from({ length: 1 + (step % 6) }, (_, j) => WORDS[(step * 3 + j * j) % WORDS.length]);
        index.set(id, tokens);
        docs.set(id, tokens);
      }
    }
    expect(index.size).toBe(docs.size);
    for (const query of [["kayak"], ["tea", "chess", "tea"], ["爬山", "火锅"], ["nothing"]]) {
      const got = index.search(query);
      const want = bruteForce(docs, query);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 9));
    }
  });

  it("takes the best accepted up to a limit, and never reuses a query's scores after a change", () => {
    const index = new Bm25Index();
    for (let i = 0; i < 50; i++) index.set(`d${i}`, i % 2 ? ["tea", "tea", "cake"] : ["tea"]);
    const query = ["tea"];
    const odd = (id: string) => Number(id.slice(1)) % 2 === 1;
    const first = index.search(query, odd, 5);
    expect(first).toHaveLength(5);
    expect(first.every((h) => odd(h.id))).toBe(true);
    // Same query array, data changed: d0 now holds the word five times and must come first.
    index.set("d0", ["tea", "tea", "tea", "tea", "tea"]);
    expect(index.search(query, () => true, 1)[0].id).toBe("d0");
    index.remove("d0");
    expect(index.search(query).map((h) => h.id)).not.toContain("d0");
  });
});
