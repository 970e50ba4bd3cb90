/**
 * A user's memories held in process for the embedded store's search: one Float32 matrix for
 * cosine scoring, one sign bit per dimension for picking candidates fast among many memories, a
 * BM25 index (search/bm25.ts) for the lexical side, and the parsed records for filter checks.
 * Tagged with the user's version row so a write by any connection makes it stale.
 */
import type { MemoryRecord } from "../memory/types.js";
import { Bm25Index } from "../search/bm25.js";
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

export class UserSnapshot {
  /** Parsed records; position i matches row i of the matrix. */
  readonly records: MemoryRecord[] = [];
  private readonly seqs: number[] = [];
  private readonly positionBySeq = new Map<number, number>();
  private readonly positionById = new Map<string, number>();
  private readonly lexical = new Bm25Index();
  private matrix: Float32Array;
  /** Sign bits of each record's vector, `words` 32-bit words per record. */
  private bits: Uint32Array;
  private readonly words: number;
  /** Bumped by every upsert and remove, so cached scores are never used on changed data. */
  private changes = 0;
  private lastDense?: DenseCache;

  private constructor(
    public version: number,
    private readonly dims: number,
    capacity: number,
  ) {
    this.words = Math.ceil(dims / 32);
    this.matrix = new Float32Array(Math.max(capacity, 16) * dims);
    this.bits = new Uint32Array(Math.max(capacity, 16) * this.words);
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
      if ((i + 1) * this.dims > this.matrix.length) this.grow();
    } else {
      this.positionById.delete(this.records[i].id);
      this.lexical.remove(this.records[i].id);
      this.records[i] = record;
    }
    this.positionById.set(record.id, i);
    this.lexical.set(record.id, tokens ? tokens.split(" ") : []);
    this.changes++;
    // Byte copy: a BLOB buffer need not be aligned for a Float32Array view.
    new Uint8Array(this.matrix.buffer, i * this.dims * 4, this.dims * 4).set(embedding);
    signBits(this.matrix.subarray(i * this.dims, (i + 1) * this.dims), this.bits, i * this.words);
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
    this.positionById.delete(this.records[i].id);
    this.lexical.remove(this.records[i].id);
    const last = this.records.length - 1;
    if (i !== last) {
      this.records[i] = this.records[last];
      this.seqs[i] = this.seqs[last];
      this.positionBySeq.set(this.seqs[i], i);
      this.positionById.set(this.records[i].id, i);
      this.matrix.copyWithin(i * this.dims, last * this.dims, (last + 1) * this.dims);
      this.bits.copyWithin(i * this.words, last * this.words, (last + 1) * this.words);
    }
    this.changes++;
    this.records.pop();
    this.seqs.pop();
    this.positionBySeq.delete(seq);
  }

  /** Positions of the `k` accepted records with the best BM25 score for the terms, best first. */
  lexicalRanking(terms: string[], k: number, accept: (position: number) => boolean): { position: number; score: number }[] {
    const ok = (id: string) => accept(this.positionById.get(id)!);
    return this.lexical.search(terms, ok, k).map(({ id, score }) => ({ position: this.positionById.get(id)!, score }));
  }

  /**
   * Positions of the `k` accepted records most similar to a query (normalised here), best first:
   * an exact scan for up to BIT_PICK_FACTOR × k records, else the exact ranking of the
   * BIT_PICK_FACTOR × k accepted records nearest by sign bits. The same query array asked again
   * on unchanged data (the engine's second, period-filtered pass of one search) reuses the work.
   */
  denseRanking(raw: ArrayLike<number>, k: number, accept: (position: number) => boolean): { position: number; score: number }[] {
    if (k <= 0 || this.size === 0) return [];
    const cache = this.denseCache(raw);
    const pool = BIT_PICK_FACTOR * k;
    if (this.size <= pool) {
      for (let i = 0; i < this.size; i++) cache.exact(i);
      return topAccepted(cache.scores, k, accept).map((position) => ({ position, score: cache.scores[position] }));
    }
    const picked: number[] = [];
    const order = cache.byDistance();
    for (let i = 0; i < order.length && picked.length < pool; i++) {
      if (accept(order[i])) picked.push(order[i]);
    }
    for (const p of picked) cache.exact(p);
    picked.sort((a, b) => cache.scores[b] - cache.scores[a] || a - b);
    return picked.slice(0, k).map((position) => ({ position, score: cache.scores[position] }));
  }

  private denseCache(raw: ArrayLike<number>): DenseCache {
    const cached = this.lastDense;
    if (cached && cached.query === raw && cached.changes === this.changes) return cached;
    this.lastDense = new DenseCache(raw, this.changes, normalize(raw), this.matrix, this.bits, this.dims, this.words, this.size);
    return this.lastDense;
  }

  private grow(): void {
    const bigger = new Float32Array(this.matrix.length * 2);
    bigger.set(this.matrix);
    this.matrix = bigger;
    const moreBits = new Uint32Array(this.bits.length * 2);
    moreBits.set(this.bits);
    this.bits = moreBits;
  }
}

/** One query's dense work on one state of a snapshot: exact scores computed so far, and the bit order. */
class DenseCache {
  /** Exact cosine per position; NaN until computed. */
  readonly scores: Float32Array;
  private order?: Int32Array;

  constructor(
    readonly query: ArrayLike<number>,
    readonly changes: number,
    private readonly unit: Float32Array,
    private readonly matrix: Float32Array,
    private readonly bits: Uint32Array,
    private readonly dims: number,
    private readonly words: number,
    private readonly size: number,
  ) {
    this.scores = new Float32Array(size).fill(NaN);
  }

  /** The exact cosine of the record at `i` (vectors are normalised on write: a dot product). */
  exact(i: number): number {
    const known = this.scores[i];
    if (!Number.isNaN(known)) return known;
    const { matrix, unit, dims } = this;
    const base = i * dims;
    // Four running sums let the loop pipeline; about twice as fast as one at 384-1536 dims.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (const end = dims - (dims % 4); j < end; j += 4) {
      s0 += matrix[base + j] * unit[j];
      s1 += matrix[base + j + 1] * unit[j + 1];
      s2 += matrix[base + j + 2] * unit[j + 2];
      s3 += matrix[base + j + 3] * unit[j + 3];
    }
    for (; j < dims; j++) s0 += matrix[base + j] * unit[j];
    return (this.scores[i] = s0 + s1 + s2 + s3);
  }

  /** Every position, nearest to the query by Hamming distance of the sign bits first (a counting sort). */
  byDistance(): Int32Array {
    if (this.order) return this.order;
    const { bits, words, size } = this;
    const queryBits = new Uint32Array(words);
    signBits(this.unit, queryBits, 0);
    const distance = new Uint16Array(size);
    const counts = new Int32Array(words * 32 + 2);
    for (let i = 0, base = 0; i < size; i++, base += words) {
      let d = 0;
      for (let w = 0; w < words; w++) d += popcount(bits[base + w] ^ queryBits[w]);
      distance[i] = d;
      counts[d + 1]++;
    }
    for (let d = 1; d < counts.length; d++) counts[d] += counts[d - 1];
    const order = new Int32Array(size);
    for (let i = 0; i < size; i++) order[counts[distance[i]]++] = i;
    return (this.order = order);
  }
}

/** Sets `out[offset…]` to the sign bits of `v`: bit j of the record is 1 when v[j] > 0. */
function signBits(v: ArrayLike<number>, out: Uint32Array, offset: number): void {
  const words = Math.ceil(v.length / 32);
  for (let w = 0; w < words; w++) {
    let word = 0;
    for (let b = 0; b < 32; b++) {
      const j = w * 32 + b;
      if (j < v.length && v[j] > 0) word |= 1 << b;
    }
    out[offset + w] = word >>> 0;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
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
