/**
 * Sign bits of vectors and their Hamming distances to a query's, for picking dense candidates
 * among many memories (stores/sqlite/snapshot.ts). The distance loop is a WebAssembly SIMD kernel
 * (wasm.ts; i8x16.popcnt: 128 bits per instruction; JavaScript has no popcount and took 7-9 ms
 * per 100,000 vectors of 512 dimensions, a kernel with i64.popcnt 1.0, this one 0.7).
 *
 * Memory layout: the query's bits at 0, one u16 distance per row after them, then the rows' bits,
 * `words32` 32-bit words per row (dimensions padded to a multiple of 128 with zero bits on both
 * sides, which add nothing to a distance).
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

// Locals of hamming(query, rows, n, chunks, out): the five parameters, then i, c, p, q (i32) and acc (v128).
const [QUERY, ROWS, N, CHUNKS, OUT, I, C, P, Q, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * for i < n: out[i] = Σ_c popcnt(rows[i][c] ^ query[c]) over `chunks` groups of 128 bits: the
 * counts per byte (i8x16.popcnt) are summed into 16-bit lanes, then the lanes into one number.
 */
const HAMMING: Kernel = {
  name: "hamming",
  params: 5,
  locals: [
    [4, type.i32],
    [1, type.v128],
  ],
  body: [
    op.localGet,
    ROWS,
    op.localSet,
    P,
    ...countedLoop(I, N, [
      ...V128_ZERO,
      op.localSet,
      ACC,
      op.localGet,
      QUERY,
      op.localSet,
      Q,
      ...countedLoop(C, CHUNKS, [
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
        ...simdOp(simd.v128Xor),
        ...simdOp(simd.i8x16Popcnt),
        ...simdOp(simd.i16x8ExtaddPairwiseI8x16U),
        ...simdOp(simd.i16x8Add),
        op.localSet,
        ACC,
        ...addTo(P, 16),
        ...addTo(Q, 16),
      ]),
      // out[i] = the sum of acc's eight 16-bit lanes
      op.localGet,
      OUT,
      op.localGet,
      I,
      op.i32Const,
      1,
      op.i32Shl,
      op.i32Add,
      op.localGet,
      ACC,
      ...simdOp(simd.i32x4ExtaddPairwiseI16x8U),
      op.localSet,
      ACC,
      ...laneSum(ACC, simd.i32x4ExtractLane, op.i32Add),
      op.i32Store16,
      1,
      0,
    ]),
  ],
};

/** Rows of sign bits in a WebAssembly memory of their own, and their distances to a query. */
export class HammingRows {
  /** 32-bit words per row (a multiple of 4: whole 128-bit chunks). */
  readonly words32: number;
  /** The rows' bits, `words32` per row: write a row with `setRow`. */
  readonly rows: Uint32Array;
  private readonly query: Uint32Array;
  private readonly out: Uint16Array;
  private readonly run: (query: number, rows: number, n: number, chunks: number, out: number) => void;
  private readonly rowsAt: number;
  private readonly outAt: number;

  constructor(
    readonly dims: number,
    readonly capacity: number,
  ) {
    this.words32 = Math.ceil(dims / 128) * 4;
    const queryBytes = this.words32 * 4;
    this.outAt = queryBytes;
    this.rowsAt = align16(this.outAt + capacity * 2);
    const { run, buffer } = instantiate<HammingRows["run"]>(HAMMING, this.rowsAt + capacity * this.words32 * 4);
    this.run = run;
    this.query = new Uint32Array(buffer, 0, this.words32);
    this.out = new Uint16Array(buffer, this.outAt, capacity);
    this.rows = new Uint32Array(buffer, this.rowsAt, capacity * this.words32);
  }

  /** Sets row `i` to the sign bits of `v` (bit j is 1 when v[j] > 0). */
  setRow(i: number, v: ArrayLike<number>): void {
    signBits(v, this.rows, i * this.words32, this.words32);
  }

  /** Copies row `from` over row `to`. */
  moveRow(from: number, to: number): void {
    this.rows.copyWithin(to * this.words32, from * this.words32, (from + 1) * this.words32);
  }

  /** Hamming distances of rows 0 … n-1 to the sign bits of `query`; a view, valid until the next call. */
  distances(query: ArrayLike<number>, n: number): Uint16Array {
    if (n > this.capacity) throw new Error(`asked for ${n} distances of ${this.capacity} rows`);
    signBits(query, this.query, 0, this.words32);
    this.run(0, this.rowsAt, n, this.words32 / 4, this.outAt);
    return this.out.subarray(0, n);
  }

  /** A larger table holding the same rows. */
  grown(capacity: number): HammingRows {
    const bigger = new HammingRows(this.dims, capacity);
    bigger.rows.set(this.rows);
    return bigger;
  }
}

function signBits(v: ArrayLike<number>, out: Uint32Array, offset: number, words: number): void {
  for (let w = 0; w < words; w++) {
    let word = 0;
    for (let b = 0, j = w * 32; b < 32 && j < v.length; b++, j++) if (v[j] > 0) word |= 1 << b;
    out[offset + w] = word >>> 0;
  }
}
