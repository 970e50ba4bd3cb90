import { termFrequencies } from "./tokenize.js";

/** Okapi BM25 over an in-process set of documents (the in-memory store and the benchmarks' baseline). */
export class Bm25Index {
  private docs = new Map<string, { tf: Map<string, number>; length: number }>();
  private df = new Map<string, number>();
  private totalLength = 0;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  set(id: string, tokens: string[]): void {
    this.remove(id);
    const tf = termFrequencies(tokens);
    this.docs.set(id, { tf, length: tokens.length });
    this.totalLength += tokens.length;
    for (const term of tf.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
  }

  remove(id: string): void {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.docs.delete(id);
    this.totalLength -= doc.length;
    for (const term of doc.tf.keys()) {
      const n = (this.df.get(term) ?? 1) - 1;
      if (n <= 0) this.df.delete(term);
      else this.df.set(term, n);
    }
  }

  /** Ids by descending BM25 score; documents with no query term are left out. */
  search(queryTokens: string[], accept: (id: string) => boolean = () => true): { id: string; score: number }[] {
    const n = this.docs.size;
    if (n === 0) return [];
    const avg = this.totalLength / n || 1;
    const terms = [...new Set(queryTokens)].filter((t) => this.df.has(t));
    const results: { id: string; score: number }[] = [];
    for (const [id, doc] of this.docs) {
      let score = 0;
      for (const term of terms) {
        const f = doc.tf.get(term);
        if (!f) continue;
        const df = this.df.get(term)!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * doc.length) / avg));
      }
      if (score > 0 && accept(id)) results.push({ id, score });
    }
    return results.sort((a, b) => b.score - a.score);
  }
}
