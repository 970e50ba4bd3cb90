import { termFrequencies } from "./tokenize.js";
import { bestAccepted } from "./top-k.js";

/**
 * Okapi BM25 over one user's documents, held in process: the lexical side of the embedded stores
 * (SQLite and in-memory) and the benchmarks' baseline. Postings per term, so a search touches
 * only the documents that contain a query term, and statistics per index (one index per user: no
 * user's words change another user's scores).
 */
export class Bm25Index {
  /** Document slot of each id; slots of removed documents are reused. */
  private readonly slotOf = new Map<string, number>();
  private readonly ids: (string | undefined)[] = [];
  private readonly lengths: number[] = [];
  /** Per slot: the document's distinct terms, to take it out of their postings. */
  private readonly termsOf: (string[] | undefined)[] = [];
  private readonly free: number[] = [];
  /** Per term: slots of the documents holding it, and the term's count in each (same order). */
  private readonly postings = new Map<string, { slots: number[]; tfs: number[] }>();
  private totalLength = 0;
  private scores = new Float64Array(0);

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.slotOf.size;
  }

  set(id: string, tokens: string[]): void {
    this.remove(id);
    const slot = this.free.pop() ?? this.ids.length;
    const tf = termFrequencies(tokens);
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.lengths[slot] = tokens.length;
    this.termsOf[slot] = [...tf.keys()];
    this.totalLength += tokens.length;
    for (const [term, count] of tf) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = { slots: [], tfs: [] }));
      list.slots.push(slot);
      list.tfs.push(count);
    }
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    for (const term of this.termsOf[slot]!) {
      const list = this.postings.get(term)!;
      const at = list.slots.lastIndexOf(slot);
      // Order within a posting list does not matter: the last entry fills the hole.
      list.slots[at] = list.slots[list.slots.length - 1];
      list.tfs[at] = list.tfs[list.tfs.length - 1];
      list.slots.pop();
      list.tfs.pop();
      if (list.slots.length === 0) this.postings.delete(term);
    }
    this.totalLength -= this.lengths[slot];
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.termsOf[slot] = undefined;
    this.free.push(slot);
  }

  /**
   * Ids by descending BM25 score (ties: id ascending), at most `limit`; documents with no query
   * term are left out, and so are those `accept` refuses (checked only on scored documents).
   */
  search(queryTokens: string[], accept: (id: string) => boolean = () => true, limit = Infinity): { id: string; score: number }[] {
    const n = this.slotOf.size;
    if (n === 0) return [];
    const avg = this.totalLength / n || 1;
    if (this.scores.length < this.ids.length) this.scores = new Float64Array(Math.max(this.ids.length, this.scores.length * 2));
    const scores = this.scores;
    const touched: number[] = [];
    for (const term of new Set(queryTokens)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const df = list.slots.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let i = 0; i < df; i++) {
        const slot = list.slots[i];
        const f = list.tfs[i];
        if (scores[slot] === 0) touched.push(slot);
        scores[slot] += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * this.lengths[slot]) / avg));
      }
    }
    // The best `limit` accepted, by a bounded heap over the touched documents: `accept` (a filter
    // and validity check) runs only on documents good enough to enter it, not on every match.
    const ids = this.ids;
    const worse = (x: number, y: number) => scores[x] < scores[y] || (scores[x] === scores[y] && ids[x]! > ids[y]!);
    const best = bestAccepted(touched, limit === Infinity ? touched.length : limit, worse, (slot) => accept(ids[slot]!));
    const results = best.map((slot) => ({ id: ids[slot]!, score: scores[slot] }));
    for (const slot of touched) scores[slot] = 0;
    return results;
  }
}
