// A WebAssembly module written byte by byte, for the kernels the runtime builds at load time: no
// compiler, no build step, no dependency (the binary format: webassembly.github.io/spec, 5).

export type ValueType = 'i32' | 'f32' | 'v128';
const TYPE_CODES: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

/** Signed LEB128 (i32 constants). */
export function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (text: string) => vector([...new TextEncoder().encode(text)].map((b) => [b]));
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];

export interface WasmFunction {
  name: string;
  params: ValueType[];
  /** Locals after the parameters, in order. */
  locals: ValueType[];
  body: number[];
}

/** A module of exported functions over one imported memory, env.memory. */
export function wasmModule(functions: WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [TYPE_CODES[t]])), 0]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)];
  const code = functions.map((f) => {
    const body = [...vector(f.locals.map((t) => [1, TYPE_CODES[t]])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(code)),
  ]);
}

const simd = (op: number, ...immediates: number[]) => [0xfd, ...uleb(op), ...immediates];
/** Memory immediates: alignment (log2 bytes) and a constant byte offset. */
const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];

/** The instructions the kernels use. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32Eq: [0x46],
  i32GeU: [0x4f],
  i32GeS: [0x4e],
  i32LtU: [0x49],
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  f32Load: (offset = 0) => [0x2a, ...memarg(2, offset)],
  f32Store: (offset = 0) => [0x38, ...memarg(2, offset)],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Min: [0x96],
  f32Max: [0x97],
  f32Zero: [0x43, 0, 0, 0, 0],
  v128Load: (offset = 0) => simd(0x00, ...memarg(0, offset)),
  v128Store: (offset = 0) => simd(0x0b, ...memarg(0, offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Splat: simd(0x13),
  /** The even lanes of two f32x4 vectors: [a0, a2, b0, b2]. */
  evenLanes: simd(0x0d, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27),
  /** The odd lanes of two f32x4 vectors: [a1, a3, b1, b3]. */
  oddLanes: simd(0x0d, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  /** Pseudo-minimum b < a ? b : a (one minps; min's NaN and -0 rules cost several instructions). */
  f32x4PMin: simd(0xea),
  /** Pseudo-maximum a < b ? b : a (one maxps). */
  f32x4PMax: simd(0xeb),
};

/** A loop: until `exit` (an i32 condition) holds, the body, then again. */
export const until = (exit: number[], ...body: number[][]): number[] => [...op.block, ...op.loop, ...exit, ...op.brIf(1), ...body.flat(), ...op.br(0), ...op.end, ...op.end];

/** local >= limit, unsigned: the usual exit of `until`. */
export const atLeast = (local: number, limit: number[]): number[] => [...op.get(local), ...limit, ...op.i32GeU];

/** local += amount (a constant or an expression). */
export const addTo = (local: number, amount: number | number[]): number[] => [...op.get(local), ...(typeof amount === 'number' ? op.i32(amount) : amount), ...op.i32Add, ...op.set(local)];

/** A counted loop: local from 0 while below limit (unsigned), the body, then local += step. */
export const forRange = (local: number, limit: number[], step: number, ...body: number[][]): number[] => [...op.i32(0), ...op.set(local), ...until(atLeast(local, limit), ...body, addTo(local, step))];

/** Whether this engine compiles WebAssembly with the SIMD instructions the kernels use. */
export function hasWasmSimd(): boolean {
  try {
    const probe: WasmFunction = { name: 'f', params: [], locals: ['v128'], body: [...op.v128Zero, ...op.get(0), ...op.f32x4Add, ...op.set(0)] };
    return typeof WebAssembly === 'object' && WebAssembly.validate(wasmModule([probe]));
  } catch {
    return false;
  }
}
