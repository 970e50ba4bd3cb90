/**
 * A user's memories held in process for the embedded store's search: a matrix of the vectors
 * for exact cosine scoring (search/dot.ts); for users with many memories, one byte per dimension
 * to pick the candidates to score (search/byte-rows.ts); a BM25 index (search/bm25.ts) for the
 * lexical side; the parsed records, and their times as numbers for the validity and period
 * checks. Tagged with the user's version row so a write by any connection makes it stale.
 */
import { compileFilter, inPeriod, periodBounds, periodTime, splitIdFilter } from "../../memory/filter.js";
import type { TimePeriod } from "../../memory/store.js";
import type { MemoryFilter, MemoryRecord, Validity } from "../../memory/types.js";
import { Bm25Index } from "../../search/bm25.js";
import { DotRows } from "../../search/dot.js";
import { ByteRows } from "../../search/byte-rows.js";
import { topByScore } from "../../search/top-k.js";
import { normalize } from "../../search/vector.js";
import { type MemoryRowWithEmbedding, rowToRecord } from "./rows.js";

/**
 * A user with up to this many memories is ranked by an exact scan of all their vectors (plain
 * JavaScript, about 0.3 ms at 512 dimensions); a larger one by an exact scan of their
 * byte vectors, whose best CANDIDATE_FACTOR × k are then scored exactly. Every LoCoMo conversation
 * (680 memories at most) stays below it, so those benchmarks rank exactly.
 */
export const EXACT_SCAN_MAX = 1024;

/**
 * How many times k candidates the byte scan hands to the exact scoring. bench:pick measures the
 * share of the exact top k this keeps (BENCHMARKS.md, "Scale"): 1.00 at 2 × k and 4 × k on
 * LoCoMo's real embeddings in both languages and on random vectors; 0.98-1.00 at 1 × k (each set here,
 * then `npm run bench:pick`).
 */
export const CANDIDATE_FACTOR = 2;

/**
 * A pass that may return at most 1 / GATHER_SHARE of a user's memories (a period, a filter), and
 * no more than ByteRows.gatherLimit of them, scans the bytes of just those: asking the scan of all
 * for enough candidates that k of them are eligible took up to 25 ms at 100,000 memories,
 * gathering 3,000 rows under 1 ms (and gathering more than the limit, 40,000 rows, took 10 ms).
 */
const GATHER_SHARE = 2;

/**
 * Which positions one search pass may return (UserSnapshot.eligible): a flag per position, set
 * when the record is valid, in the period and matches the filter, and how many are set. Worked out
 * once per pass from typed arrays, so the rankings check a byte, not a record, per candidate.
 */
interface Eligible {
  readonly flags: Uint8Array;
  readonly count: number;
}

/** The positions below `size` that `keep` accepts, as an Eligible. */
export function eligibleWhere(size: number, keep: (position: number) => boolean): Eligible {
  const flags = new Uint8Array(size);
  let count = 0;
  for (let i = 0; i < size; i++) {
    if (keep(i)) {
      flags[i] = 1;
      count++;
    }
  }
  return { flags, count };
}

export class UserSnapshot {
  /** Parsed records; position i matches row i of the matrix. */
  readonly records: MemoryRecord[] = [];
  private readonly seqs: number[] = [];
  private readonly positionBySeq = new Map<number, number>();
  private readonly positionById = new Map<string, number>();
  private readonly lexical = new Bm25Index();
  /** The lexical index's slot of the record at each position, and the position of each slot. */
  private readonly slotAt: number[] = [];
  private readonly positionAtSlot: number[] = [];
  /** Per position: the record's period time (filter.ts, periodTime) in ms; NaN when unreadable, in no period. */
  private times: Float64Array;
  /**
   * Per position, in ms: validFrom; validTo (Infinity while open); expiresAt (Infinity when none,
   * NaN when unreadable: never expired, as filter.ts expiredAt reads it); and until when the
   * record is current (its expiry while open, -Infinity once closed). eligible() reads these.
   */
  private validFrom: Float64Array;
  private validTo: Float64Array;
  private expires: Float64Array;
  private openUntil: Float64Array;
  private matrix: DotRows;
  /**
   * Each record's vector as bytes, for the candidate pick of a large user (search/byte-rows.ts):
   * made at the first search above EXACT_SCAN_MAX memories (a copy, well under a second at
   * 100,000), then kept in step with writes.
   */
  private bytes?: ByteRows;
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
    this.validFrom = new Float64Array(Math.max(capacity, 16));
    this.validTo = new Float64Array(Math.max(capacity, 16));
    this.expires = new Float64Array(Math.max(capacity, 16));
    this.openUntil = new Float64Array(Math.max(capacity, 16));
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
    this.setTimes(i, record);
    const slot = this.lexical.set(record.id, tokens ? tokens.split(" ") : []);
    this.slotAt[i] = slot;
    this.positionAtSlot[slot] = i;
    this.changes++;
    const row = this.matrix.row(i);
    // Byte copy: a BLOB buffer need not be aligned for a Float32Array view.
    new Uint8Array(row.buffer, row.byteOffset, row.byteLength).set(embedding);
    this.bytes?.setRow(i, row);
  }

  /**
   * Replaces the record stored under row number `seq`, keeping its embedding: feedback or use changed nothing embedded.
   */
  replaceRecord(seq: number, record: MemoryRecord): void {
    const i = this.positionBySeq.get(seq);
    if (i === undefined) return;
    this.records[i] = record;
    this.setTimes(i, record);
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
      this.slotAt[i] = this.slotAt[last];
      this.positionAtSlot[this.slotAt[i]] = i;
      this.matrix.moveRow(last, i);
      this.bytes?.moveRow(last, i);
      for (const a of [this.times, this.validFrom, this.validTo, this.expires, this.openUntil]) a[i] = a[last];
    }
    this.changes++;
    this.records.pop();
    this.seqs.pop();
    this.slotAt.pop();
    this.positionBySeq.delete(seq);
  }

  /**
   * The positions a search pass may return: valid under `validity` (as filter.ts isValidAt, on
   * instants), with a period time in `period`, and matching `filter`. A filter naming ids (the
   * entity expansion's) is answered from the id index: only those positions are checked.
   */
  eligible(validity: Validity, period: TimePeriod | undefined, filter: MemoryFilter | undefined): Eligible {
    const { ids, rest } = splitIdFilter(filter);
    const flags = new Uint8Array(this.size);
    if (ids) {
      for (const id of ids) {
        const i = this.positionById.get(id);
        if (i !== undefined) flags[i] = 1;
      }
    }
    // Plain loops over typed arrays, one per condition: a chain of callbacks per position cost
    // 2.5 ms at 100,000 memories, this about half a millisecond.
    const { validFrom, validTo, openUntil, expires, times, records, size } = this;
    const wanted = (i: number) => ids === undefined || flags[i] === 1;
    let count = 0;
    if (validity.kind === "current") {
      const now = Date.parse(validity.now ?? new Date().toISOString());
      for (let i = 0; i < size; i++) count += flags[i] = wanted(i) && !(openUntil[i] <= now) ? 1 : 0;
    } else if (validity.kind === "asOf") {
      const at = Date.parse(validity.time);
      for (let i = 0; i < size; i++)
        count += flags[i] = wanted(i) && validFrom[i] <= at && validTo[i] > at && !(expires[i] <= at) ? 1 : 0;
    } else {
      for (let i = 0; i < size; i++) count += flags[i] = wanted(i) ? 1 : 0;
    }
    if (period) {
      const bounds = periodBounds(period);
      for (let i = 0; i < size; i++) {
        if (flags[i] === 1 && !inPeriod(times[i], bounds)) {
          flags[i] = 0;
          count--;
        }
      }
    }
    if (rest) {
      const matches = compileFilter(rest);
      for (let i = 0; i < size; i++) {
        if (flags[i] === 1 && !matches(records[i])) {
          flags[i] = 0;
          count--;
        }
      }
    }
    return { flags, count };
  }

  /**
   * Positions of the `k` eligible records with the best BM25 score for the terms, best first (ties:
   * stored first). When fewer records are eligible than hold a term (a narrow period), only those
   * are looked at.
   */
  lexicalRanking(terms: string[], k: number, eligible: Eligible): { position: number; score: number }[] {
    const { touched, scores } = this.lexical.scores(terms);
    const { flags } = eligible;
    const { slotAt, positionAtSlot, seqs } = this;
    // The candidates' positions and scores side by side, in arrays of the most they can number.
    const narrow = eligible.count < touched.length;
    const positions = new Int32Array(narrow ? eligible.count : touched.length);
    const candidateScores = new Float64Array(positions.length);
    let m = 0;
    if (narrow) {
      for (let i = 0, seen = 0; seen < eligible.count && i < flags.length; i++) {
        if (flags[i] !== 1) continue;
        seen++;
        const score = scores[slotAt[i]];
        if (score > 0) {
          positions[m] = i;
          candidateScores[m++] = score;
        }
      }
    } else {
      for (const slot of touched) {
        const i = positionAtSlot[slot];
        if (flags[i] === 1) {
          positions[m] = i;
          candidateScores[m++] = scores[slot];
        }
      }
    }
    // Ties (many among short, similar memories) go to the memory stored first: its row number is
    // the same in every process that opens the file, and a number compares cheaply.
    const storedFirst = (a: number, b: number) => seqs[positions[a]] < seqs[positions[b]];
    return topByScore(candidateScores.subarray(0, m), k, undefined, storedFirst).map((j) => ({
      position: positions[j],
      score: candidateScores[j],
    }));
  }

  /**
   * Positions of the `k` eligible records most similar to a query (normalised here), best first,
   * by exact cosine: among all eligible records when the user has up to EXACT_SCAN_MAX memories or
   * no more are eligible than that, else among the CANDIDATE_FACTOR × k eligible records nearest
   * by byte vectors: the bytes of just the eligible ones when they are few (at most
   * 1 / GATHER_SHARE of all and ByteRows.gatherLimit), else a scan of all asked for enough
   * candidates (four times as many again while fewer than k of those may be returned). The same
   * query array asked again on unchanged data (the engine's second, period-filtered pass of one
   * search) reuses the scan of all.
   */
  denseRanking(raw: ArrayLike<number>, k: number, eligible: Eligible): { position: number; score: number }[] {
    if (k <= 0 || eligible.count === 0) return [];
    const cache = this.denseCache(raw);
    if (this.size <= EXACT_SCAN_MAX) {
      const scores = cache.all();
      return topByScore(scores, k, eligible.flags).map((position) => ({ position, score: scores[position] }));
    }
    const want = CANDIDATE_FACTOR * k;
    let picked: Int32Array;
    if (eligible.count <= Math.max(EXACT_SCAN_MAX, want)) picked = flaggedPositions(eligible);
    else if (eligible.count * GATHER_SHARE <= this.size && eligible.count <= this.byteRows().gatherLimit) {
      picked = cache.nearestAmong(flaggedPositions(eligible), want);
    } else {
      // Enough candidates that `want` of them are eligible on average, twice over; four times as many
      // again while fewer than k of them may be returned (the eligible ones far from the query).
      let ask = Math.ceil((2 * want * this.size) / eligible.count);
      for (;;) {
        picked = firstEligible(cache.nearest(ask), eligible, want);
        if (picked.length >= k || ask >= this.size) break;
        ask *= 4;
      }
    }
    const scores = this.matrix.dots(cache.unit, picked);
    return topByScore(scores, k).map((j) => ({ position: picked[j], score: scores[j] }));
  }

  private denseCache(raw: ArrayLike<number>): DenseCache {
    const cached = this.lastDense;
    if (cached && cached.query === raw && cached.changes === this.changes) return cached;
    this.lastDense = new DenseCache(raw, this.changes, normalize(raw), this.matrix, this.size, () => this.byteRows());
    return this.lastDense;
  }

  private byteRows(): ByteRows {
    if (!this.bytes) {
      this.bytes = ByteRows.fitted(this.matrix.rows(this.size), this.dims, this.matrix.capacity);
      for (let i = 0; i < this.size; i++) this.bytes.setRow(i, this.matrix.row(i));
    }
    return this.bytes;
  }

  private setTimes(i: number, record: MemoryRecord): void {
    this.times[i] = periodTime(record);
    this.validFrom[i] = Date.parse(record.validFrom);
    this.validTo[i] = record.validTo === null ? Infinity : Date.parse(record.validTo);
    this.expires[i] = record.expiresAt === null ? Infinity : Date.parse(record.expiresAt);
    this.openUntil[i] = record.validTo === null ? this.expires[i] : -Infinity;
  }

  private grow(): void {
    // The cached query's scores hold the old matrix: let it go now, not at the next search.
    this.lastDense = undefined;
    this.matrix = this.matrix.grown(this.matrix.capacity * 2);
    this.bytes = this.bytes?.grown(this.matrix.capacity);
    const doubled = (a: Float64Array) => {
      const more = new Float64Array(a.length * 2);
      more.set(a);
      return more;
    };
    this.times = doubled(this.times);
    this.validFrom = doubled(this.validFrom);
    this.validTo = doubled(this.validTo);
    this.expires = doubled(this.expires);
    this.openUntil = doubled(this.openUntil);
  }
}

/** One query's dense work on one state of a snapshot: the exact scores of all, or the byte scan's candidates. */
class DenseCache {
  private scores?: Float32Array;
  private candidates?: Int32Array;

  constructor(
    readonly query: ArrayLike<number>,
    readonly changes: number,
    /** The query, normalised: the rows are too, so a dot product is the cosine. */
    readonly unit: Float32Array,
    private readonly matrix: DotRows,
    private readonly size: number,
    private readonly bytes: () => ByteRows,
  ) {}

  /** The exact cosine of every position (a copy: the matrix's results are overwritten by its next call). */
  all(): Float32Array {
    return (this.scores ??= Float32Array.from(this.matrix.dots(this.unit, this.size)));
  }

  /** Positions of at least `count` records nearest by byte vectors (an earlier, larger ask's if any), nearest first. */
  nearest(count: number): Int32Array {
    if (!this.candidates || this.candidates.length < Math.min(count, this.size)) {
      this.candidates = this.bytes().nearest(this.unit, this.size, count);
    }
    return this.candidates;
  }

  /** The `count` of `positions` nearest by byte vectors, nearest first. */
  nearestAmong(positions: Int32Array, count: number): Int32Array {
    return this.bytes().nearestAmong(this.unit, positions, count);
  }
}

/** The flagged positions, ascending. */
function flaggedPositions({ flags, count }: Eligible): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0, m = 0; m < count && i < flags.length; i++) if (flags[i] === 1) out[m++] = i;
  return out;
}

/** The first `n` flagged ones of `positions`, in their order. */
function firstEligible(positions: Int32Array, { flags }: Eligible, n: number): Int32Array {
  const out = new Int32Array(Math.min(n, positions.length));
  let m = 0;
  for (let j = 0; j < positions.length && m < out.length; j++) if (flags[positions[j]] === 1) out[m++] = positions[j];
  return out.subarray(0, m);
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
