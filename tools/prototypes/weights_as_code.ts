// Prototype (issue 21, weights as code): one sparse ternary layer run by the runtime's table-driven
// kernel and by the same weights compiled into straight-line WebAssembly (no index loads), in one
// memory, checked against each other and timed (medians). `conv`: a CNV-like 64 -> 64 3x3
// convolution on 30x30 planes (`runs`; compiled: per output channel a loop over 16-float blocks
// with its non-zeros as constant-offset loads). `dense`: an LFC-like 1024 -> 1024 layer at batch 1
// (`gather`; compiled: four accumulators, constant offsets).
//   npx esbuild tools/prototypes/weights_as_code.ts --bundle --platform=node --format=esm --outfile=/tmp/wac.mjs
//   node --no-liftoff /tmp/wac.mjs conv 0.95      (--no-liftoff: optimized code from the first call)
import { sparseKernels } from '../../packages/runtime/src/wasm/sparse_kernels';
import { forRange, op, wasmModule, type ValueType, type WasmFunction } from '../../packages/runtime/src/wasm/wasm_binary';

const [kind, sparsityArg] = process.argv.slice(2);
const sparsity = Number(sparsityArg ?? 0.95);
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const f32Const = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];

/** Geometry: outputs, input floats, and per output the byte offsets of the inputs each non-zero reads. */
const conv = kind === 'conv';
const [c, k, h, w] = [64, 3, 30, 30];
const [oh, ow] = [h - k + 1, w - k + 1];
const blocks = Math.ceil(((oh - 1) * w + ow) / 16);
const rows = conv ? 64 : 1024;
const inputFloats = conv ? c * h * w : 1024;
const fanIn = conv ? c * k * k : 1024;
// conv: byte offsets into the input planes (runs adds the input's address); dense: the input float's address (as gather reads it).
const offsetOf = (j: number) => (conv ? 4 * (Math.floor(j / (k * k)) * h * w + Math.floor((j % (k * k)) / k) * w + (j % k)) : INPUT + 4 * j);
const plus: number[][] = [];
const minus: number[][] = [];
for (let o = 0; o < rows; o++) {
  plus.push([]);
  minus.push([]);
  for (let j = 0; j < fanIn; j++) if (random() >= sparsity) (random() < 0.5 ? plus : minus)[o].push(offsetOf(j));
}

/** Where the input is: the first buffer. */
const INPUT = 0;
let at = 0;
const alloc = (bytes: number) => ((at += Math.ceil(bytes / 64) * 64), at - Math.ceil(bytes / 64) * 64);
const outFloats = conv ? rows * blocks * 16 : rows;
const [input, tableOut, codeOut] = [alloc(4 * (inputFloats + 64)), alloc(4 * outFloats), alloc(4 * outFloats)];
if (input !== INPUT) throw new Error('the input is not the first buffer');
const csr = (lists: number[][]) => {
  const starts = [0];
  for (const l of lists) starts.push(starts.at(-1)! + 4 * l.length);
  return { start: alloc(4 * starts.length), index: alloc(4 * lists.flat().length + 4), starts, flat: lists.flat() };
};
const [P, M] = [csr(plus), csr(minus)];
const [mul, add] = [alloc(4 * rows), alloc(4 * rows)];
const kernels = sparseKernels(Math.ceil((at + 65536) / 65536));
const i32 = new Int32Array(kernels.memory.buffer);
const f32 = new Float32Array(kernels.memory.buffer);
for (const list of [P, M]) i32.set(list.starts, list.start / 4), i32.set(list.flat, list.index / 4);
for (let o = 0; o < rows; o++) (f32[mul / 4 + o] = 0.05 + random()), (f32[add / 4 + o] = random() - 0.5);
for (let i = 0; i < inputFloats; i++) f32[input / 4 + i] = random() - 0.5;
const signed = (o: number) => [...plus[o].map((off) => [off, op.f32x4Add, op.f32Add] as const), ...minus[o].map((off) => [off, op.f32x4Sub, op.f32Sub] as const)];

function compiled(): WasmFunction {
  const body: number[] = [];
  if (conv) {
    const L = { block: 0, p: 1, acc: [2, 3, 4, 5], q: 6 };
    for (let o = 0; o < rows; o++) {
      body.push(
        ...forRange(
          L.block, op.i32(blocks * 64), 64,
          L.acc.flatMap((acc) => [...op.v128Zero, ...op.set(acc)]),
          [...op.i32(input), ...op.get(L.block), ...op.i32Add, ...op.set(L.p)],
          ...signed(o).map(([off, combine]) => L.acc.flatMap((acc, i) => [...op.get(acc), ...op.get(L.p), ...op.v128Load(off + 16 * i), ...combine, ...op.set(acc)])),
          [...op.i32(codeOut + o * blocks * 64), ...op.get(L.block), ...op.i32Add, ...op.set(L.q)],
          L.acc.flatMap((acc, i) => [...op.get(L.q), ...op.get(acc), ...f32Const(f32[mul / 4 + o]), ...op.f32x4Splat, ...op.f32x4Mul, ...f32Const(f32[add / 4 + o]), ...op.f32x4Splat, ...op.f32x4Add, ...op.v128Zero, ...op.f32x4PMax, ...op.v128Store(16 * i)]),
        ),
      );
    }
    return { name: 'layer', params: [], locals: ['i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'i32'], body };
  }
  for (let o = 0; o < rows; o++) {
    for (let a = 0; a < 4; a++) body.push(...op.f32Zero, ...op.set(a));
    signed(o).forEach(([address, , combine], t) => body.push(...op.get(t % 4), ...op.i32(0), ...op.f32Load(address), ...combine, ...op.set(t % 4)));
    body.push(...op.i32(0), ...op.get(0), ...op.get(1), ...op.f32Add, ...op.get(2), ...op.get(3), ...op.f32Add, ...op.f32Add);
    body.push(...f32Const(f32[mul / 4 + o]), ...op.f32Mul, ...f32Const(f32[add / 4 + o]), ...op.f32Add, ...op.f32Zero, ...op.f32Max, ...op.f32Store(codeOut + 4 * o));
  }
  return { name: 'layer', params: [], locals: new Array<ValueType>(4).fill('f32'), body };
}

const start = performance.now();
const bytes = wasmModule([compiled()]);
const code = (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: kernels.memory } }).exports as Record<string, () => void>).layer;
const built = performance.now() - start;
const table = conv
  ? () => kernels.runs(P.start, P.index, M.start, M.index, input, tableOut, rows, mul, add, blocks * 64, blocks * 64, 0, Infinity)
  : () => kernels.gather(P.start, P.index, M.start, M.index, tableOut, rows, mul, add, 0, Infinity);
const median = (fn: () => void, n = 1000) => {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[n >> 1];
};
for (let i = 0; i < 100; i++) table(), code();
let difference = 0;
for (let i = 0; i < outFloats; i++) if (!conv || i % (blocks * 16) < oh * w) difference = Math.max(difference, Math.abs(f32[tableOut / 4 + i] - f32[codeOut / 4 + i]));
const nonZeros = plus.flat().length + minus.flat().length;
console.log(`${kind} at ${sparsity}: ${nonZeros} non-zeros, ${(bytes.length / 1024).toFixed(0)} KiB of code built and compiled in ${built.toFixed(0)} ms; outputs differ by ${difference.toExponential(1)}`);
for (let r = 0; r < 3; r++) console.log(`table-driven ${median(table).toFixed(4)} ms, compiled ${median(code).toFixed(4)} ms`);
