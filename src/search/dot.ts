/**
 * A matrix of float vectors and their dot products with a query, for the embedded store's exact
 * dense scoring (stores/sqlite/snapshot.ts). For large matrices the products are a WebAssembly
 * SIMD kernel (wasm.ts: four multiply-adds per instruction; 10,000 × 512 took 2.6 ms against the
 * JavaScript loop's 5.3 here, and 1,024 picked rows 0.26 against 0.65).
 *
 * Memory layout: the query at 0, then the row numbers to score, then one f32 result per row
 * number, then the rows, `dims` padded to a multiple of 4 with zeros (which add nothing).
 */
import {
  addTo,
  align16,
  countedLoop,
  instantiate,
  type Kernel,
  laneSum,
  op,
  simd,
  simdOp,
  type,
  V128_ZERO,
} from "./wasm.js";

// Locals of dots(query, rows, picks, m, quads, out): the six parameters, then k, j, p, q (i32) and acc (v128).
const [QUERY, ROWS, PICKS, M, QUADS, OUT, K, J, P, Q, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** for k < m: out[k] = rows[picks[k]] · query, over `quads` groups of four floats */
const DOTS: Kernel = {
  name: "dots",
  params: 6,
  locals: [
    [4, type.i32],
    [1, type.v128],
  ],
  body: countedLoop(K, M, [
    // p = rows + picks[k] * quads * 16; q = query; acc = 0
    op.localGet,
    ROWS,
    op.localGet,
    PICKS,
    op.localGet,
    K,
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    op.i32Load,
    2,
    0,
    op.localGet,
    QUADS,
    op.i32Mul,
    op.i32Const,
    4,
    op.i32Shl,
    op.i32Add,
    op.localSet,
    P,
    op.localGet,
    QUERY,
    op.localSet,
    Q,
    ...V128_ZERO,
    op.localSet,
    ACC,
    ...countedLoop(J, QUADS, [
      op.localGet,
      ACC,
      op.localGet,
      P,
      ...simdOp(simd.v128Load),
      4,
      0,
      op.localGet,
      Q,
      ...simdOp(simd.v128Load),
      4,
      0,
      ...simdOp(simd.f32x4Mul),
      ...simdOp(simd.f32x4Add),
      op.localSet,
      ACC,
      ...addTo(P, 16),
      ...addTo(Q, 16),
    ]),
    // out[k] = acc[0] + acc[1] + acc[2] + acc[3]
    op.localGet,
    OUT,
    op.localGet,
    K,
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    ...laneSum(ACC, simd.f32x4ExtractLane, op.f32Add),
    op.f32Store,
    2,
    0,
  ]),
};

type DotsFunction = (query: number, rows: number, picks: number, m: number, quads: number, out: number) => void;

/**
 * From this many rows a matrix lives in a WebAssembly memory of its own and is scored by the
 * kernel; smaller ones use plain arrays and a JavaScript loop (well under a millisecond there).
 * Each WebAssembly memory reserves gigabytes of address space, and V8 gives a process about
 * 16,000 of them: one per cached user of a large multi-user store would run out.
 */
export const KERNEL_MIN_ROWS = 2048;
/** Above this the kernel's memory would near WebAssembly's 4 GB limit: plain arrays again. */
const KERNEL_MAX_BYTES = 2 ** 31;

/** Rows of float vectors scored against a query: in WebAssembly from KERNEL_MIN_ROWS rows, in JavaScript below. */
export class DotRows {
  /** Floats per row (dims rounded up to a multiple of 4). */
  readonly stride: number;
  private readonly rows: Float32Array;
  private readonly query: Float32Array;
  private readonly picks: Int32Array;
  private readonly out: Float32Array;
  /** The kernel and where its regions are; undefined for the JavaScript path. */
  private readonly kernel?: { run: DotsFunction; at: { picks: number; out: number; rows: number } };

  constructor(
    readonly dims: number,
    readonly capacity: number,
  ) {
    this.stride = Math.ceil(dims / 4) * 4;
    const picks = align16(this.stride * 4);
    const out = align16(picks + capacity * 4);
    const rows = align16(out + capacity * 4);
    const bytes = rows + capacity * this.stride * 4;
    if (capacity < KERNEL_MIN_ROWS || bytes > KERNEL_MAX_BYTES) {
      this.query = new Float32Array(this.stride);
      this.picks = new Int32Array(capacity);
      this.out = new Float32Array(capacity);
      this.rows = new Float32Array(capacity * this.stride);
      return;
    }
    const { run, buffer } = instantiate<DotsFunction>(DOTS, bytes);
    this.kernel = { run, at: { picks, out, rows } };
    this.query = new Float32Array(buffer, 0, this.stride);
    this.picks = new Int32Array(buffer, picks, capacity);
    this.out = new Float32Array(buffer, out, capacity);
    this.rows = new Float32Array(buffer, rows, capacity * this.stride);
  }

  /** Row `i`'s floats (a view: write the vector into it). */
  row(i: number): Float32Array {
    return this.rows.subarray(i * this.stride, i * this.stride + this.dims);
  }

  /** Copies row `from` over row `to`. */
  moveRow(from: number, to: number): void {
    this.rows.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
  }

  /**
   * Dot products of `query` with the rows numbered in `picks` (or rows 0 … n-1 for a number n),
   * in that order; a view, valid until the next call.
   */
  dots(query: ArrayLike<number>, picks: ArrayLike<number> | number): Float32Array {
    const m = typeof picks === "number" ? picks : picks.length;
    if (m > this.capacity) throw new Error(`asked for ${m} products of ${this.capacity} rows`);
    this.query.set(query);
    if (typeof picks === "number") for (let i = 0; i < m; i++) this.picks[i] = i;
    else this.picks.set(picks);
    if (this.kernel)
      this.kernel.run(0, this.kernel.at.rows, this.kernel.at.picks, m, this.stride / 4, this.kernel.at.out);
    else this.scoreInJs(m);
    return this.out.subarray(0, m);
  }

  /** The kernel's loop in JavaScript: four running sums, so it pipelines. */
  private scoreInJs(m: number): void {
    const { rows, query, picks, out, stride } = this;
    for (let k = 0; k < m; k++) {
      const base = picks[k] * stride;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < stride; j += 4) {
        s0 += rows[base + j] * query[j];
        s1 += rows[base + j + 1] * query[j + 1];
        s2 += rows[base + j + 2] * query[j + 2];
        s3 += rows[base + j + 3] * query[j + 3];
      }
      out[k] = s0 + s1 + s2 + s3;
    }
  }

  /** A larger matrix holding the same rows. */
  grown(capacity: number): DotRows {
    const bigger = new DotRows(this.dims, capacity);
    bigger.rows.set(this.rows);
    return bigger;
  }
}
