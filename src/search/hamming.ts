/**
 * Sign bits of vectors and their Hamming distances to a query's, for picking dense candidates
 * among many memories (stores/sqlite-snapshot.ts). The distance loop is a WebAssembly kernel
 * (wasm.ts; i64.popcnt: one instruction per 64 bits; JavaScript has no popcount and took 7-9 ms
 * per 100,000 vectors of 512 dimensions, the kernel about one).
 *
 * Memory layout: the query's bits at 0, one u16 distance per row after them, then the rows' bits,
 * `words` 64-bit words per row (dimensions padded to a multiple of 64 with zero bits on both sides,
 * which add nothing to a distance).
 */
import { align16, instantiate, type Kernel, op, type } from "./wasm.js";

// Locals of hamming(query, rows, n, words, out): the five parameters, then i, w, p (i32) and d (i64).
const [QUERY, ROWS, N, WORDS, OUT, I, W, P, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** for i < n: out[i] = Σ_w popcnt(rows[i][w] ^ query[w]) */
const HAMMING: Kernel = {
  name: "hamming",
  params: 5,
  locals: [[3, type.i32], [1, type.i64]],
  body: [
    op.localGet, ROWS, op.localSet, P,
    op.block, type.void,
    op.loop, type.void,
    op.localGet, I, op.localGet, N, op.i32GeU, op.brIf, 1,
    op.i64Const, 0, op.localSet, D,
    op.i32Const, 0, op.localSet, W,
    op.block, type.void,
    op.loop, type.void,
    op.localGet, W, op.localGet, WORDS, op.i32GeU, op.brIf, 1,
    op.localGet, D,
    op.localGet, P, op.i64Load, 3, 0,
    op.localGet, QUERY, op.localGet, W, op.i32Const, 3, op.i32Shl, op.i32Add, op.i64Load, 3, 0,
    op.i64Xor, op.i64Popcnt, op.i64Add, op.localSet, D,
    op.localGet, P, op.i32Const, 8, op.i32Add, op.localSet, P,
    op.localGet, W, op.i32Const, 1, op.i32Add, op.localSet, W,
    op.br, 0,
    op.end,
    op.end,
    op.localGet, OUT, op.localGet, I, op.i32Const, 1, op.i32Shl, op.i32Add,
    op.localGet, D, op.i32WrapI64,
    op.i32Store16, 1, 0,
    op.localGet, I, op.i32Const, 1, op.i32Add, op.localSet, I,
    op.br, 0,
    op.end,
    op.end,
  ],
};

/** Rows of sign bits in a WebAssembly memory of their own, and their distances to a query. */
export class HammingRows {
  /** 32-bit words per row (a multiple of 2). */
  readonly words32: number;
  /** The rows' bits, `words32` per row: write a row with `setRow`. */
  readonly rows: Uint32Array;
  private readonly query: Uint32Array;
  private readonly out: Uint16Array;
  private readonly run: (query: number, rows: number, n: number, words: number, out: number) => void;
  private readonly rowsAt: number;
  private readonly outAt: number;

  constructor(
    readonly dims: number,
    readonly capacity: number,
  ) {
    this.words32 = Math.ceil(dims / 64) * 2;
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
    this.run(0, this.rowsAt, n, this.words32 / 2, this.outAt);
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
