/**
 * A user's memories held in process for the embedded store's search: one Float32 matrix for
 * cosine scoring and the parsed records for filter checks. Tagged with the user's version row so
 * a write by any connection makes it stale.
 */
import type { MemoryRecord } from "../memory/types.js";
import { normalize } from "../search/vector.js";
import { type MemoryRowWithEmbedding, rowToRecord } from "./sqlite-rows.js";

export class UserSnapshot {
  /** Parsed records; position i matches row i of the matrix. */
  readonly records: MemoryRecord[] = [];
  private readonly seqs: number[] = [];
  private readonly positionBySeq = new Map<number, number>();
  private matrix: Float32Array;
  /** Bumped by every upsert and remove, so cached scores are never used on changed data. */
  private changes = 0;
  private lastScores?: { query: ArrayLike<number>; changes: number; scores: Float32Array };

  private constructor(
    public version: number,
    private readonly dims: number,
    capacity: number,
  ) {
    this.matrix = new Float32Array(Math.max(capacity, 16) * dims);
  }

  static fromRows(version: number, rows: MemoryRowWithEmbedding[], dims: number): UserSnapshot {
    const snapshot = new UserSnapshot(version, dims, rows.length);
    for (const row of rows) snapshot.upsert(row.seq, rowToRecord(row), row.embedding);
    return snapshot;
  }

  /** How many upserts and removals this snapshot has seen; caches keyed on it never go stale. */
  get changeCount(): number {
    return this.changes;
  }

  get size(): number {
    return this.records.length;
  }

  /** Adds or replaces the record stored under row number `seq`, with its normalised embedding bytes. */
  upsert(seq: number, record: MemoryRecord, embedding: Uint8Array): void {
    if (embedding.byteLength !== this.dims * 4) {
      throw new Error(
        `Memory ${record.id} has a ${embedding.byteLength / 4}-dimensional embedding in a store set up for ${this.dims}`,
      );
    }
    let i = this.positionBySeq.get(seq);
    if (i === undefined) {
      i = this.records.length;
      this.records.push(record);
      this.seqs.push(seq);
      this.positionBySeq.set(seq, i);
      if ((i + 1) * this.dims > this.matrix.length) this.grow();
    } else {
      this.records[i] = record;
    }
    this.changes++;
    // Byte copy: a BLOB buffer need not be aligned for a Float32Array view.
    new Uint8Array(this.matrix.buffer, i * this.dims * 4, this.dims * 4).set(embedding);
  }

  /** Replaces the record stored under row number `seq`, keeping its embedding: feedback or use changed nothing embedded. */
  replaceRecord(seq: number, record: MemoryRecord): void {
    const i = this.positionBySeq.get(seq);
    if (i === undefined) return;
    this.records[i] = record;
    this.changes++;
  }

  /** Removes the record stored under row number `seq`; the last record takes its place. */
  remove(seq: number): void {
    const i = this.positionBySeq.get(seq);
    if (i === undefined) return;
    const last = this.records.length - 1;
    if (i !== last) {
      this.records[i] = this.records[last];
      this.seqs[i] = this.seqs[last];
      this.positionBySeq.set(this.seqs[i], i);
      this.matrix.copyWithin(i * this.dims, last * this.dims, (last + 1) * this.dims);
    }
    this.changes++;
    this.records.pop();
    this.seqs.pop();
    this.positionBySeq.delete(seq);
  }

  /** Position of the record stored under this row number (the full-text index's rowid). */
  positionOfSeq(seq: number): number | undefined {
    return this.positionBySeq.get(seq);
  }

  /** Positions of the `k` accepted records most similar to a query (normalised here), best first. */
  denseRanking(query: ArrayLike<number>, k: number, accept: (position: number) => boolean): { position: number; score: number }[] {
    const scores = this.scoresFor(query);
    return topAccepted(scores, k, accept).map((position) => ({ position, score: scores[position] }));
  }

  /**
   * Cosine scores of every record for a query. The same query array asked again on unchanged
   * data (the engine's second, period-filtered pass of one search) reuses the scores: only the
   * ranking under the other filter is redone.
   */
  private scoresFor(raw: ArrayLike<number>): Float32Array {
    const cached = this.lastScores;
    if (cached && cached.query === raw && cached.changes === this.changes) return cached.scores;
    const query = normalize(raw);
    const { matrix, dims } = this;
    const scores = new Float32Array(this.size);
    const unrolled = dims - (dims % 4);
    for (let i = 0, base = 0; i < scores.length; i++, base += dims) {
      // Four running sums let the loop pipeline; about twice as fast as one at 384-1536 dims.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < unrolled; j += 4) {
        s0 += matrix[base + j] * query[j];
        s1 += matrix[base + j + 1] * query[j + 1];
        s2 += matrix[base + j + 2] * query[j + 2];
        s3 += matrix[base + j + 3] * query[j + 3];
      }
      for (; j < dims; j++) s0 += matrix[base + j] * query[j];
      scores[i] = s0 + s1 + s2 + s3;
    }
    this.lastScores = { query: raw, changes: this.changes, scores };
    return scores;
  }

  private grow(): void {
    const bigger = new Float32Array(this.matrix.length * 2);
    bigger.set(this.matrix);
    this.matrix = bigger;
  }
}

/**
 * Indices of the `k` highest scores among accepted indices, best first; a bounded min-heap, so
 * O(n log k) instead of sorting every record. Ties keep the lower index first.
 */
export function topAccepted(scores: Float32Array, k: number, accept: (i: number) => boolean): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (heap.length === k && !worse(heap[0], i)) continue;
    if (!accept(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c], heap[p])) break;
        [heap[c], heap[p]] = [heap[p], heap[c]];
        c = p;
      }
    } else {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

/** Snapshots of recently searched users, least recently used dropped past a row budget. */
export class SnapshotCache {
  private snapshots = new Map<string, UserSnapshot>();

  constructor(private readonly maxRows = 200_000) {}

  get(userId: string): UserSnapshot | undefined {
    const s = this.snapshots.get(userId);
    if (s) {
      this.snapshots.delete(userId);
      this.snapshots.set(userId, s);
    }
    return s;
  }

  set(userId: string, snapshot: UserSnapshot): void {
    this.snapshots.delete(userId);
    this.snapshots.set(userId, snapshot);
    let rows = 0;
    for (const s of this.snapshots.values()) rows += s.size;
    for (const [oldest, s] of [...this.snapshots]) {
      if (rows <= this.maxRows || oldest === userId) break;
      this.snapshots.delete(oldest);
      rows -= s.size;
    }
  }

  delete(userId: string): void {
    this.snapshots.delete(userId);
  }

  clear(): void {
    this.snapshots.clear();
  }
}
