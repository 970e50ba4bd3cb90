/**
 * A user's memories held in process for the embedded store's search: a matrix of the vectors
 * for cosine scoring (search/dot.ts), one sign bit per dimension for picking candidates fast among many memories, a
 * BM25 index (search/bm25.ts) for the lexical side, and the parsed records for filter checks.
 * Tagged with the user's version row so a write by any connection makes it stale.
 */
import { inPeriod, periodBounds, periodTime } from "../memory/filter.js";
import type { TimePeriod } from "../memory/store.js";
import type { MemoryRecord } from "../memory/types.js";
import { Bm25Index } from "../search/bm25.js";
import { DotRows } from "../search/dot.js";
import { HammingRows } from "../search/hamming.js";
import { bestAccepted } from "../search/top-k.js";
import { normalize } from "../search/vector.js";
import { type MemoryRowWithEmbedding, rowToRecord } from "./sqlite-rows.js";

/**
 * Above this many candidates per result asked for, the dense side stops scanning every vector:
 * it takes this many times k records nearest by sign bits (Hamming distance) and ranks those by
 * exact cosine. A user with no more memories than that is ranked by the exact scan. Measured in
 * bench/scale (BENCHMARKS.md, "Scale"): at 10k random 512-dim vectors, the hardest case, the
 * pick keeps most of the exact top 80; real embeddings cluster, which helps the bits.
 */
export const BIT_PICK_FACTOR = 16;

/**
 * The pick never takes less than this share of a user's memories, so its recall does not sink as
 * a user grows: on random vectors (bench:pick) 16 × 64 picks keep 0.74 of the exact top 64 at
 * 10k memories but 0.44 at 100k; a tenth of 100k costs about 2 ms more of exact scoring.
 */
export const MIN_PICK_SHARE = 0.1;

export class UserSnapshot {
  /** Parsed records; position i matches row i of the matrix. */
  readonly records: MemoryRecord[] = [];
  private readonly seqs: number[] = [];
  private readonly positionBySeq = new Map<number, number>();
  private readonly positionById = new Map<string, number>();
  private readonly lexical = new Bm25Index();
  /** Per position: the record's period time (filter.ts, periodTime) in ms; NaN when unreadable, in no period. */
  private times: Float64Array;
  private matrix: DotRows;
  /**
   * Sign bits of each record's vector, for the candidate pick (search/hamming.ts): made at the
   * first search that picks (a user above BIT_PICK_FACTOR × k memories), then kept in step.
   */
  private bits?: HammingRows;
  /** Bumped by every upsert and remove, so cached scores are never used on changed data. */
  private changes = 0;
  private lastDense?: DenseCache;

  private constructor(
    public version: number,
    private readonly dims: number,
    capacity: number,
  ) {
    this.matrix = new DotRows(dims, Math.max(capacity, 16));
    this.times = new Float64Array(Math.max(capacity, 16));
  }

  static fromRows(version: number, rows: MemoryRowWithEmbedding[], dims: number): UserSnapshot {
    const snapshot = new UserSnapshot(version, dims, rows.length);
    for (const row of rows) snapshot.upsert(row.seq, rowToRecord(row), row.embedding, row.tokens);
    return snapshot;
  }

  /** How many upserts and removals this snapshot has seen; caches keyed on it never go stale. */
  get changeCount(): number {
    return this.changes;
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * Adds or replaces the record stored under row number `seq`, with its normalised embedding
   * bytes and its lexical tokens (space-separated).
   */
  upsert(seq: number, record: MemoryRecord, embedding: Uint8Array, tokens: string): void {
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
      if (i + 1 > this.matrix.capacity) this.grow();
    } else {
      this.positionById.delete(this.records[i].id);
      this.lexical.remove(this.records[i].id);
      this.records[i] = record;
    }
    this.positionById.set(record.id, i);
    this.times[i] = periodTime(record);
    this.lexical.set(record.id, tokens ? tokens.split(" ") : []);
    this.changes++;
    const row = this.matrix.row(i);
    // Byte copy: a BLOB buffer need not be aligned for a Float32Array view.
    new Uint8Array(row.buffer, row.byteOffset, row.byteLength).set(embedding);
    this.bits?.setRow(i, row);
  }

  /** Replaces the record stored under row number `seq`, keeping its embedding: feedback or use changed nothing embedded. */
  replaceRecord(seq: number, record: MemoryRecord): void {
    const i = this.positionBySeq.get(seq);
    if (i === undefined) return;
    this.records[i] = record;
    this.times[i] = periodTime(record);
    this.changes++;
  }

  /** Removes the record stored under row number `seq`; the last record takes its place. */
  remove(seq: number): void {
    const i = this.positionBySeq.get(seq);
    if (i === undefined) return;
    this.positionById.delete(this.records[i].id);
    this.lexical.remove(this.records[i].id);
    const last = this.records.length - 1;
    if (i !== last) {
      this.records[i] = this.records[last];
      this.seqs[i] = this.seqs[last];
      this.positionBySeq.set(this.seqs[i], i);
      this.positionById.set(this.records[i].id, i);
      this.matrix.moveRow(last, i);
      this.bits?.moveRow(last, i);
      this.times[i] = this.times[last];
    }
    this.changes++;
    this.records.pop();
    this.seqs.pop();
    this.positionBySeq.delete(seq);
  }

  /**
   * Which positions fall in the period (filter.ts, periodTime): a mask a search checks before its
   * filter, so a period that leaves few memories costs one pass over an array of times, not a
   * filter call per record. Times compare as instants, as Qdrant's datetime ranges do.
   */
  inPeriod(period: TimePeriod): Uint8Array {
    const times = this.times;
    const bounds = periodBounds(period);
    const mask = new Uint8Array(this.size);
    for (let i = 0; i < mask.length; i++) if (inPeriod(times[i], bounds)) mask[i] = 1;
    return mask;
  }

  /** Positions of the `k` accepted records with the best BM25 score for the terms, best first. */
  lexicalRanking(terms: string[], k: number, accept: (position: number) => boolean): { position: number; score: number }[] {
    const ok = (id: string) => accept(this.positionById.get(id)!);
    return this.lexical.search(terms, ok, k).map(({ id, score }) => ({ position: this.positionById.get(id)!, score }));
  }

  /**
   * Positions of the `k` accepted records most similar to a query (normalised here), best first:
   * an exact scan for up to BIT_PICK_FACTOR × k records, else the exact ranking of the accepted
   * records nearest by sign bits, BIT_PICK_FACTOR × k of them or MIN_PICK_SHARE of all, whichever is more. The same query array asked again
   * on unchanged data (the engine's second, period-filtered pass of one search) reuses the work.
   */
  denseRanking(raw: ArrayLike<number>, k: number, accept: (position: number) => boolean): { position: number; score: number }[] {
    if (k <= 0 || this.size === 0) return [];
    const cache = this.denseCache(raw);
    const pool = Math.max(BIT_PICK_FACTOR * k, Math.ceil(this.size * MIN_PICK_SHARE));
    if (this.size <= pool) {
      const scores = cache.all();
      return topAccepted(scores, k, accept).map((position) => ({ position, score: scores[position] }));
    }
    const chosen: number[] = [];
    const order = cache.byDistance();
    for (let i = 0; i < order.length && chosen.length < pool; i++) {
      if (accept(order[i])) chosen.push(order[i]);
    }
    // In row order: the kernel then reads the matrix forwards, not jumping about 200 MB at 100k.
    const picked = Int32Array.from(chosen).sort();
    const scores = this.matrix.dots(cache.unit, picked);
    const best = bestAccepted(Int32Array.from(picked.keys()), k, (a, b) => scores[a] < scores[b] || (scores[a] === scores[b] && picked[a] > picked[b]), () => true);
    return best.map((j) => ({ position: picked[j], score: scores[j] }));
  }

  private denseCache(raw: ArrayLike<number>): DenseCache {
    const cached = this.lastDense;
    if (cached && cached.query === raw && cached.changes === this.changes) return cached;
    this.lastDense = new DenseCache(raw, this.changes, normalize(raw), this.matrix, () => this.signBits(), this.size);
    return this.lastDense;
  }

  private signBits(): HammingRows {
    if (!this.bits) {
      this.bits = new HammingRows(this.dims, this.matrix.capacity);
      for (let i = 0; i < this.size; i++) this.bits.setRow(i, this.matrix.row(i));
    }
    return this.bits;
  }

  private grow(): void {
    this.matrix = this.matrix.grown(this.matrix.capacity * 2);
    this.bits = this.bits?.grown(this.matrix.capacity);
    const moreTimes = new Float64Array(this.times.length * 2);
    moreTimes.set(this.times);
    this.times = moreTimes;
  }
}

/** One query's dense work on one state of a snapshot: the exact scores of all, or the bit order. */
class DenseCache {
  private scores?: Float32Array;
  private order?: Int32Array;

  constructor(
    readonly query: ArrayLike<number>,
    readonly changes: number,
    /** The query, normalised: the rows are too, so a dot product is the cosine. */
    readonly unit: Float32Array,
    private readonly matrix: DotRows,
    private readonly bits: () => HammingRows,
    private readonly size: number,
  ) {}

  /** The exact cosine of every position (a copy: the matrix's results are overwritten by its next call). */
  all(): Float32Array {
    return (this.scores ??= Float32Array.from(this.matrix.dots(this.unit, this.size)));
  }

  /** Every position, nearest to the query by Hamming distance of the sign bits first (a counting sort). */
  byDistance(): Int32Array {
    if (this.order) return this.order;
    const size = this.size;
    const bits = this.bits();
    const distance = bits.distances(this.unit, size);
    const counts = new Int32Array(bits.words32 * 32 + 2);
    for (let i = 0; i < size; i++) counts[distance[i] + 1]++;
    for (let d = 1; d < counts.length; d++) counts[d] += counts[d - 1];
    const order = new Int32Array(size);
    for (let i = 0; i < size; i++) order[counts[distance[i]]++] = i;
    return (this.order = order);
  }
}

/** Indices of the `k` highest scores among accepted indices, best first; ties keep the lower index first. */
export function topAccepted(scores: Float32Array, k: number, accept: (i: number) => boolean): number[] {
  const all = new Int32Array(scores.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  return bestAccepted(all, k, (a, b) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b), accept);
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
