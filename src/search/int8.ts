/**
 * Vectors rounded to one signed byte per dimension, and their rough dot products with a query:
 * the middle step of the embedded store's dense pick (stores/sqlite/snapshot.ts). Ten thousand
 * float rows picked across a 100,000-row matrix are 20 MB read out of order, and the exact kernel
 * waited on memory (7.6 ms against 2.9 for the same rows side by side); as bytes they are a
 * quarter of that. The rough order only chooses which few rows the exact kernel (dot.ts) scores.
 *
 * Each row keeps its own scale (its largest magnitude maps to 127), so a row's products come out
 * in its own units: multiplied by the scale here, they rank like cosines up to the rounding.
 *
 * Memory layout: the query's bytes at 0, then the row numbers to score, then one i32 product per
 * row number, then the rows, `dims` padded to a multiple of 16 with zeros (which add nothing).
 */
import { align16, countedLoop, instantiate, type Kernel, laneSum, op, simd, simdOp, type, V128_ZERO } from "./wasm.js";

/**
 * Rows are scored four at a time: the loads of four rows far apart in memory are then in flight
 * together instead of one after the other (the loop waits on memory, not on arithmetic). Against
 * one row at a time, in one process, 10,000 rows spread over 100,000: 3-36 % faster in three runs
 * on this shared machine.
 */
const LANES = 4;
// Locals of dots8(query, rows, picks, m, chunks, out): the six parameters, then k, j, bytes and
// one pointer per row (i32), then one sum per row, the query's low and high halves, a row's chunk (v128).
const [QUERY, ROWS, PICKS, M, CHUNKS, OUT, K, J, BYTES] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const P = (r: number) => 9 + r;
const ACC = (r: number) => 9 + LANES + r;
const [QLOW, QHIGH, A] = [9 + 2 * LANES, 10 + 2 * LANES, 11 + 2 * LANES];
const each = (f: (r: number) => number[]) => Array.from({ length: LANES }, (_, r) => f(r)).flat();

/** for k < m (m a multiple of LANES): out[k] = Σ rows[picks[k]][j] · query[j], over `chunks` groups of sixteen bytes */
const DOTS8: Kernel = {
  name: "dots8",
  params: 6,
  locals: [
    [3 + LANES, type.i32],
    [LANES + 3, type.v128],
  ],
  body: [
    op.localGet,
    CHUNKS,
    op.i32Const,
    4,
    op.i32Shl,
    op.localSet,
    BYTES,
    ...countedLoop(
      K,
      M,
      [
        // p[r] = rows + picks[k + r] * bytes; acc[r] = 0
        ...each((r) => [
          op.localGet,
          ROWS,
          op.localGet,
          PICKS,
          op.localGet,
          K,
          op.i32Const,
          r,
          op.i32Add,
          op.i32Const,
          2,
          op.i32Shl,
          op.i32Add,
          op.i32Load,
          2,
          0,
          op.localGet,
          BYTES,
          op.i32Mul,
          op.i32Add,
          op.localSet,
          P(r),
          ...V128_ZERO,
          op.localSet,
          ACC(r),
        ]),
        ...countedLoop(
          J,
          BYTES,
          [
            op.localGet,
            QUERY,
            op.localGet,
            J,
            op.i32Add,
            ...simdOp(simd.v128Load),
            4,
            0,
            op.localSet,
            A,
            op.localGet,
            A,
            ...simdOp(simd.i16x8ExtendLowI8x16S),
            op.localSet,
            QLOW,
            op.localGet,
            A,
            ...simdOp(simd.i16x8ExtendHighI8x16S),
            op.localSet,
            QHIGH,
            ...each((r) => [
              op.localGet,
              P(r),
              op.localGet,
              J,
              op.i32Add,
              ...simdOp(simd.v128Load),
              4,
              0,
              op.localSet,
              A,
              op.localGet,
              ACC(r),
              op.localGet,
              A,
              ...simdOp(simd.i16x8ExtendLowI8x16S),
              op.localGet,
              QLOW,
              ...simdOp(simd.i32x4DotI16x8S),
              ...simdOp(simd.i32x4Add),
              op.localGet,
              A,
              ...simdOp(simd.i16x8ExtendHighI8x16S),
              op.localGet,
              QHIGH,
              ...simdOp(simd.i32x4DotI16x8S),
              ...simdOp(simd.i32x4Add),
              op.localSet,
              ACC(r),
            ]),
          ],
          16,
        ),
        // out[k + r] = acc[r][0] + acc[r][1] + acc[r][2] + acc[r][3]
        ...each((r) => [
          op.localGet,
          OUT,
          op.localGet,
          K,
          op.i32Const,
          r,
          op.i32Add,
          op.i32Const,
          2,
          op.i32Shl,
          op.i32Add,
          ...laneSum(ACC(r), simd.i32x4ExtractLane, op.i32Add),
          op.i32Store,
          2,
          0,
        ]),
      ],
      LANES,
    ),
  ],
};

type Dots8Function = (query: number, rows: number, picks: number, m: number, chunks: number, out: number) => void;

/** Rows of byte vectors in a WebAssembly memory of their own, and their rough dot products with a query. */
export class Int8Rows {
  /** Bytes per row (dims rounded up to a multiple of 16). */
  readonly stride: number;
  private readonly rows: Int8Array;
  private readonly scales: Float32Array;
  private readonly query: Int8Array;
  private readonly picks: Int32Array;
  private readonly products: Int32Array;
  private readonly run: Dots8Function;
  private readonly at: { picks: number; out: number; rows: number };

  constructor(
    readonly dims: number,
    readonly capacity: number,
  ) {
    this.stride = Math.ceil(dims / 16) * 16;
    const picks = align16(this.stride);
    const out = align16(picks + (capacity + LANES) * 4);
    const rows = align16(out + (capacity + LANES) * 4);
    const { run, buffer } = instantiate<Dots8Function>(DOTS8, rows + capacity * this.stride);
    this.run = run;
    this.at = { picks, out, rows };
    this.query = new Int8Array(buffer, 0, this.stride);
    this.picks = new Int32Array(buffer, picks, capacity + LANES);
    this.products = new Int32Array(buffer, out, capacity + LANES);
    this.rows = new Int8Array(buffer, rows, capacity * this.stride);
    this.scales = new Float32Array(capacity);
  }

  /** Sets row `i` to `v` rounded to bytes. */
  setRow(i: number, v: ArrayLike<number>): void {
    this.scales[i] = toBytes(v, this.rows.subarray(i * this.stride, i * this.stride + this.dims));
  }

  /** Copies row `from` over row `to`. */
  moveRow(from: number, to: number): void {
    this.rows.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
    this.scales[to] = this.scales[from];
  }

  /** Rough dot products of `query` with the rows numbered in `picks`, in that order (a new array). */
  dots(query: ArrayLike<number>, picks: Int32Array): Float32Array {
    const m = picks.length;
    if (m > this.capacity) throw new Error(`asked for ${m} products of ${this.capacity} rows`);
    toBytes(query, this.query.subarray(0, this.dims));
    this.picks.set(picks);
    // Up to a multiple of LANES with the last row again (its extra products are not read).
    const lanes = Math.ceil(m / LANES) * LANES;
    this.picks.fill(m > 0 ? picks[m - 1] : 0, m, lanes);
    this.run(0, this.at.rows, this.at.picks, lanes, this.stride / 16, this.at.out);
    const out = new Float32Array(m);
    for (let k = 0; k < m; k++) out[k] = this.products[k] * this.scales[picks[k]];
    return out;
  }

  /** A larger table holding the same rows. */
  grown(capacity: number): Int8Rows {
    const bigger = new Int8Rows(this.dims, capacity);
    bigger.rows.set(this.rows);
    bigger.scales.set(this.scales);
    return bigger;
  }
}

/** Writes `v` scaled so its largest magnitude is 127, rounded; returns the factor back to `v`'s units. */
function toBytes(v: ArrayLike<number>, out: Int8Array): number {
  let max = 0;
  for (let j = 0; j < out.length; j++) max = Math.max(max, Math.abs(v[j]));
  if (max === 0) {
    out.fill(0);
    return 0;
  }
  const k = 127 / max;
  for (let j = 0; j < out.length; j++) out[j] = Math.round(v[j] * k);
  return max / 127;
}
