/**
 * Vectors rounded to one signed byte per dimension, and the rows nearest a query among them: the
 * first step of a large user's dense search in the embedded store (stores/sqlite/snapshot.ts),
 * which then scores the rows it names exactly (dot.ts). The scan is exact over the bytes and runs
 * in the maintained `usearch` package's SIMD kernels (its `exactSearch`, prebuilt for the common
 * platforms): no graph to build, so a user's first search costs what every other one does. About
 * 0.15 ms for 10,000 rows of 512 dimensions and 2 ms for 100,000 on this project's test machine
 * (the scan alone; BENCHMARKS.md, "Scale").
 *
 * All rows share one scale (the largest magnitude among the rows the table was fitted to maps to
 * 127), so a byte dot product ranks rows as the float one does, up to the rounding; the exact
 * scoring of twice as many candidates as results undoes that (bench:pick: 1.00 of the exact top
 * 10 kept; 0.98-1.00 when only as many as the results are scored).
 */
// usearch's exactSearch reads a typed array's buffer from its start, whatever the view's offset:
// every table passed to it here is a view at offset 0 (subarray(0, …) of its own buffer).
import { createRequire } from "node:module";
import type * as Usearch from "usearch";

// Its CommonJS build: the ES module build finds its binary through the caller's stack trace,
// which fails when it is imported from code without a file (an eval, a bundle).
const { exactSearch, MetricKind } = createRequire(import.meta.url)("usearch") as typeof Usearch;

/** The largest gathered table (16 MB: 32,768 rows of 512 dimensions), kept between searches. */
const GATHERED_BYTES = 16 * 2 ** 20;

export class ByteRows {
  private readonly rows: Int8Array;
  /** The gathered rows of `nearestAmong`, kept for the next search. */
  private scratch = new Int8Array(0);

  private constructor(
    readonly dims: number,
    readonly capacity: number,
    /** Bytes per unit; a larger magnitude than the fitted rows' largest is clamped to ±127. */
    private readonly scale: number,
  ) {
    this.rows = new Int8Array(capacity * dims);
  }

  /** An empty table for `capacity` rows, scaled so the largest magnitude in `vectors` fills a byte. */
  static fitted(vectors: Float32Array, dims: number, capacity: number): ByteRows {
    let largest = 0;
    for (let j = 0; j < vectors.length; j++) largest = Math.max(largest, Math.abs(vectors[j]));
    return new ByteRows(dims, capacity, largest > 0 ? 127 / largest : 1);
  }

  /** Stores `vector` (floats) as row `i`'s bytes. */
  setRow(i: number, vector: Float32Array): void {
    const out = this.rows.subarray(i * this.dims, (i + 1) * this.dims);
    for (let j = 0; j < this.dims; j++) {
      out[j] = Math.max(-127, Math.min(127, Math.round(vector[j] * this.scale)));
    }
  }

  /** How many rows `nearestAmong` gathers at most. */
  get gatherLimit(): number {
    return Math.floor(GATHERED_BYTES / this.dims);
  }

  /** Copies row `from` over row `to`. */
  moveRow(from: number, to: number): void {
    this.rows.copyWithin(to * this.dims, from * this.dims, (from + 1) * this.dims);
  }

  /**
   * Positions of the `count` rows among 0 … size-1 whose bytes have the largest dot product with
   * `query`'s, nearest first (all `size` of them when `count` is larger). One thread: a server
   * runs several searches at once, and a second thread made it no faster at 100,000 rows.
   */
  nearest(query: Float32Array, size: number, count: number): Int32Array {
    const wanted = Math.min(count, size);
    if (wanted <= 0) return new Int32Array(0);
    return Int32Array.from(this.scan(this.rows.subarray(0, size * this.dims), query, wanted), Number);
  }

  /**
   * The `count` of `positions` nearest `query` as `nearest` ranks them, nearest first: their bytes
   * gathered side by side and scanned (for a search that may return only a small share of rows).
   */
  nearestAmong(query: Float32Array, positions: Int32Array, count: number): Int32Array {
    const wanted = Math.min(count, positions.length);
    if (wanted <= 0) return new Int32Array(0);
    if (positions.length > this.gatherLimit) throw new Error(`asked to gather ${positions.length} rows`);
    const bytes = positions.length * this.dims;
    if (this.scratch.length < bytes) this.scratch = new Int8Array(bytes);
    for (let j = 0; j < positions.length; j++) {
      const from = positions[j] * this.dims;
      this.scratch.set(this.rows.subarray(from, from + this.dims), j * this.dims);
    }
    return Int32Array.from(this.scan(this.scratch.subarray(0, bytes), query, wanted), (key) => positions[Number(key)]);
  }

  /** A larger table holding the same rows. */
  grown(capacity: number): ByteRows {
    const bigger = new ByteRows(this.dims, capacity, this.scale);
    bigger.rows.set(this.rows);
    return bigger;
  }

  /** Row numbers in `dataset` of the `count` rows with the largest byte dot product with `query`, nearest first. */
  private scan(dataset: Int8Array, query: Float32Array, count: number): BigUint64Array {
    return (exactSearch(dataset, queryBytes(query), this.dims, count, MetricKind.IP, 1) as Usearch.Matches).keys;
  }
}

/** A query rounded to bytes, its largest magnitude mapped to 127: any positive scale ranks alike. */
function queryBytes(query: Float32Array): Int8Array {
  let largest = 0;
  for (let j = 0; j < query.length; j++) largest = Math.max(largest, Math.abs(query[j]));
  const scale = largest > 0 ? 127 / largest : 0;
  return Int8Array.from(query, (x) => Math.round(x * scale));
}
