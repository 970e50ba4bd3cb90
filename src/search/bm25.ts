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
  /** Bumped by every set and remove, so a cached query's scores are never used on changed documents. */
  private changes = 0;
  private lastQuery?: { tokens: string[]; changes: number; touched: number[]; scores: Float64Array };

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.slotOf.size;
  }

  /** Indexes a document (replacing one of the same id); returns its slot (see `scores`). */
  set(id: string, tokens: string[]): number {
    this.remove(id);
    this.changes++;
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
    return slot;
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.changes++;
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
  search(
    queryTokens: string[],
    accept: (id: string) => boolean = () => true,
    limit = Infinity,
  ): { id: string; score: number }[] {
    if (this.slotOf.size === 0) return [];
    const { touched, scores } = this.scores(queryTokens);
    // The best `limit` accepted, by a bounded heap over the touched documents: `accept` (a filter
    // and validity check) runs only on documents good enough to enter it, not on every match.
    const ids = this.ids;
    const worse = (x: number, y: number) => scores[x] < scores[y] || (scores[x] === scores[y] && ids[x]! > ids[y]!);
    const best = bestAccepted(touched, limit === Infinity ? touched.length : limit, worse, (slot) =>
      accept(ids[slot]!),
    );
    return best.map((slot) => ({ id: ids[slot]!, score: scores[slot] }));
  }

  /**
   * The slots of the documents holding a query term, and the scores by slot (0 for the others;
   * a slot is what `set` returned for the document). The same token array asked again on
   * unchanged documents (the engine's second, period-filtered pass of one search) reuses them:
   * only the selection under the other filter is redone. The scores array is reused by the next
   * query (a new one per query was most of the search's garbage at 100,000 documents): read it
   * before asking again.
   */
  scores(queryTokens: string[]): { touched: number[]; scores: Float64Array } {
    const last = this.lastQuery;
    if (last && last.tokens === queryTokens && last.changes === this.changes) return last;
    const n = this.slotOf.size;
    const avg = this.totalLength / n || 1;
    let scores = last?.scores;
    if (!scores || scores.length < this.ids.length)
      scores = new Float64Array(Math.max(this.ids.length, 2 * (scores?.length ?? 0)));
    else for (const slot of last!.touched) scores[slot] = 0;
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
    this.lastQuery = { tokens: queryTokens, changes: this.changes, touched, scores };
    return this.lastQuery;
  }
}
