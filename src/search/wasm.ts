/**
 * The little WebAssembly the embedded search uses (hamming.ts, int8.ts, dot.ts): each kernel is one
 * function over one imported memory, assembled here from its instruction bytes at start-up, so
 * the repository holds no binary and needs no compiler. Names follow the WebAssembly text format.
 */

export const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Store: 0x36,
  f32Store: 0x38,
  i32Store16: 0x3b,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f32Add: 0x92,
  /** Prefix of the SIMD (v128) instructions. */
  simd: 0xfd,
} as const;

/** SIMD instruction numbers, each written after op.simd as an unsigned LEB128. */
export const simd = {
  v128Load: 0x00,
  v128Const: 0x0c,
  i32x4ExtractLane: 0x1b,
  f32x4ExtractLane: 0x1f,
  v128Xor: 0x51,
  i8x16Popcnt: 0x62,
  i16x8ExtaddPairwiseI8x16U: 0x7d,
  i32x4ExtaddPairwiseI16x8U: 0x7f,
  i16x8ExtendLowI8x16S: 0x87,
  i16x8ExtendHighI8x16S: 0x88,
  i16x8Add: 0x8e,
  i32x4Add: 0xae,
  i32x4DotI16x8S: 0xba,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const;

export const type = { void: 0x40, i32: 0x7f, v128: 0x7b } as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const name = (s: string) => [s.length, ...Buffer.from(s, "ascii")];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];

/** A SIMD instruction: the prefix, then its number. */
export function simdOp(instruction: number): number[] {
  return [op.simd, ...uleb(instruction)];
}

/** v128.const of sixteen zero bytes. */
export const V128_ZERO = [...simdOp(simd.v128Const), ...Array<number>(16).fill(0)];

/** local += n, for 0 ≤ n < 64 (i32.const reads a signed LEB128: one byte holds up to 63). */
export function addTo(local: number, n: number): number[] {
  if (n < 0 || n > 63) throw new Error(`addTo takes 0 to 63, got ${n}`);
  return [op.localGet, local, op.i32Const, n, op.i32Add, op.localSet, local];
}

/** for (counter = 0; counter < limit; counter += step) body; `limit` is a local, compared unsigned. */
export function countedLoop(counter: number, limit: number, body: number[], step = 1): number[] {
  return [
    op.i32Const,
    0,
    op.localSet,
    counter,
    op.block,
    type.void,
    op.loop,
    type.void,
    op.localGet,
    counter,
    op.localGet,
    limit,
    op.i32GeU,
    op.brIf,
    1,
    ...body,
    ...addTo(counter, step),
    op.br,
    0,
    op.end,
    op.end,
  ];
}

/** The four lanes of a v128 local added up (`extractLane` and `add` of one lane type: f32 or i32). */
export function laneSum(local: number, extractLane: number, add: number): number[] {
  const lane = (i: number) => [op.localGet, local, ...simdOp(extractLane), i];
  return [...lane(0), ...lane(1), add, ...lane(2), add, ...lane(3), add];
}

export interface Kernel {
  /** The exported function's name. */
  name: string;
  /** How many i32 parameters it takes (all its parameters are i32; it returns nothing). */
  params: number;
  /** Its locals after the parameters, as [count, type] groups. */
  locals: [number, number][];
  body: number[];
}

/** A module importing `env.memory` and exporting the kernel's one function. */
export function assemble(kernel: Kernel): Uint8Array {
  const code = [kernel.locals.length, ...kernel.locals.flat(), ...kernel.body, op.end];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, kernel.params, ...Array(kernel.params).fill(type.i32), 0]),
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name(kernel.name), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

/** The part of the WebAssembly API used here (TypeScript declares it only in its DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65_536;
const compiled = new Map<string, object>();

/** The kernel over a fresh memory of at least `bytes` bytes: its function and the memory's buffer. */
export function instantiate<F>(kernel: Kernel, bytes: number): { run: F; buffer: ArrayBuffer } {
  let module = compiled.get(kernel.name);
  if (!module) compiled.set(kernel.name, (module = new wasm.Module(assemble(kernel))));
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const instance = new wasm.Instance(module, { env: { memory } });
  return { run: instance.exports[kernel.name] as F, buffer: memory.buffer };
}

export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
