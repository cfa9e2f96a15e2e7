// The sparse ternary kernels in WebAssembly SIMD, built at load time (wasm_binary.ts). Every
// kernel sums, per output, the inputs its +alpha indices point at minus those its -alpha indices
// point at, then applies the output's one multiply and one add (alpha, bias and BatchNorm folded)
// and clamps it to [low, high] (a fused ReLU or ReLU6; -Infinity..Infinity for none). Index lists
// are CSR by output with byte offsets (gather's: byte addresses), in the module's memory.
//
// - runs: each non-zero adds a contiguous run of floats (16 per step, 4 SIMD lanes x 4): a
//   convolution's shifted input planes (channel-major) or a dense layer's batch row (activations
//   stored feature-major, [features][batch]).
// - gather: one float per non-zero (a dense layer at batch 1).
// - pool2: 2x2 pooling at stride 2, four outputs per step (even and odd columns by shuffles).
// - window: the max or mean of any other pooling window, as the max or scaled sum of shifted runs
//   (strided windows read phase planes, so every run is contiguous).
import { BATCH_INDEX_SHIFT } from './dense_index';
import { addRowsKernel, fillKernel, scatterKernel } from './layout_kernels';
import { addTo, atLeast, forRange, op, until, wasmModule, type ValueType, type WasmFunction } from './wasm_binary';

/** Parameters of `runs`: per output o, start[o]..start[o+1] of each list (byte offsets into it). */
const RUNS = { plusStart: 0, plusIndex: 1, minusStart: 2, minusIndex: 3, input: 4, output: 5, outputs: 6, mul: 7, add: 8, blockBytes: 9, outStride: 10, low: 11, high: 12 } as const;

/** k = start[o], end = start[o + 1]: one output's part of a CSR list (`o` holds o * 4). */
const listRange = (start: number, o: number, k: number, end: number) => [
  ...op.get(start), ...op.get(o), ...op.i32Add, ...op.i32Load(), ...op.set(k),
  ...op.get(start), ...op.get(o), ...op.i32Add, ...op.i32Load(4), ...op.set(end),
];

/** Each accumulator combined with the vector at its place after `p` (16 bytes apart). */
const combineAll = (acc: number[], p: number, combine: number[]) => acc.flatMap((a, i) => [...op.get(a), ...op.get(p), ...op.v128Load(16 * i), ...combine, ...op.set(a)]);

/**
 * runs(plusStart, plusIndex, minusStart, minusIndex, input, output, outputs, mul, add, blockBytes, outStride, low, high):
 * for each output o and each 16-float block b < blockBytes, output[o * outStride + b] =
 * mul[o] * (sum over plus k of input[index[k] + b] - the same over minus) + add[o], clamped to [low, high]
 * (`runsShifted`: input[(index[k] << indexShift) + b], the batch plan's reading of dense indices).
 * Four accumulators per index load: eight measured slower (the loads, not the adds, bound it).
 */
function runsKernel(indexShift: number): WasmFunction {
  const L = { o: 13, block: 14, k: 15, end: 16, p: 17, acc: [18, 19, 20, 21], mul: 22, add: 23, limit: 24, outRow: 25, low: 26, high: 27 };
  const accumulate = (start: number, index: number, combine: number[]) => [
    ...listRange(start, L.o, L.k, L.end),
    ...until(
      atLeast(L.k, op.get(L.end)),
      [...op.get(RUNS.input), ...op.get(index), ...op.get(L.k), ...op.i32Add, ...op.i32Load(), ...(indexShift ? [...op.i32(indexShift), ...op.i32Shl] : []), ...op.i32Add, ...op.get(L.block), ...op.i32Add, ...op.set(L.p)],
      combineAll(L.acc, L.p, combine),
      addTo(L.k, 4),
    ),
  ];
  const splat = (array: number, local: number) => [...op.get(array), ...op.get(L.o), ...op.i32Add, ...op.f32Load(), ...op.f32x4Splat, ...op.set(local)];
  const body = [
    ...op.get(RUNS.outputs), ...op.i32(4), ...op.i32Mul, ...op.set(L.limit),
    ...op.get(RUNS.low), ...op.f32x4Splat, ...op.set(L.low),
    ...op.get(RUNS.high), ...op.f32x4Splat, ...op.set(L.high),
    ...forRange(
      L.o, op.get(L.limit), 4,
      splat(RUNS.mul, L.mul),
      splat(RUNS.add, L.add),
      forRange(
        L.block, op.get(RUNS.blockBytes), 64,
        L.acc.flatMap((acc) => [...op.v128Zero, ...op.set(acc)]),
        accumulate(RUNS.plusStart, RUNS.plusIndex, op.f32x4Add),
        accumulate(RUNS.minusStart, RUNS.minusIndex, op.f32x4Sub),
        [...op.get(RUNS.output), ...op.get(L.outRow), ...op.i32Add, ...op.get(L.block), ...op.i32Add, ...op.set(L.p)],
        L.acc.flatMap((acc, i) => [
          ...op.get(L.p),
          ...op.get(acc), ...op.get(L.mul), ...op.f32x4Mul, ...op.get(L.add), ...op.f32x4Add,
          ...op.get(L.low), ...op.f32x4PMax, ...op.get(L.high), ...op.f32x4PMin,
          ...op.v128Store(16 * i),
        ]),
      ),
      addTo(L.outRow, op.get(RUNS.outStride)),
    ),
  ];
  return {
    name: indexShift ? 'runsShifted' : 'runs',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32'],
    locals: ['i32', 'i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128', 'i32', 'i32', 'v128', 'v128'],
    body,
  };
}

/** Parameters of `gather`: as `runs`, one float per non-zero whose index is its byte address, outputs contiguous. */
const GATHER = { plusStart: 0, plusIndex: 1, minusStart: 2, minusIndex: 3, output: 4, outputs: 5, mul: 6, add: 7, low: 8, high: 9 } as const;

/** Independent sums per output in `gather`: an f32 add takes 3 cycles, so one sum would wait on each add. */
const GATHER_SUMS = 4;

/**
 * gather(...): output[o] = mul[o] * (sum of the floats at its plus addresses - the same over minus) + add[o],
 * clamped to [low, high], GATHER_SUMS sums per list.
 */
function gatherKernel(): WasmFunction {
  const L = { o: 10, k: 11, end: 12, limit: 13, last: 14, acc: Array.from({ length: GATHER_SUMS }, (_, i) => 15 + i) };
  /** acc combined with the float the index at k + offset points at. */
  const take = (acc: number, index: number, offset: number, combine: number[]) => [
    ...op.get(acc), ...op.get(index), ...op.get(L.k), ...op.i32Add, ...op.i32Load(offset), ...op.f32Load(), ...combine, ...op.set(acc),
  ];
  const accumulate = (start: number, index: number, combine: number[]) => [
    ...listRange(start, L.o, L.k, L.end),
    // GATHER_SUMS at a time into independent sums (signed: end minus the group may be negative)
    ...op.get(L.end), ...op.i32(4 * (GATHER_SUMS - 1)), ...op.i32Sub, ...op.set(L.last),
    ...until([...op.get(L.k), ...op.get(L.last), ...op.i32GeS], ...L.acc.map((acc, i) => take(acc, index, 4 * i, combine)), addTo(L.k, 4 * GATHER_SUMS)),
    // the rest one by one
    ...until(atLeast(L.k, op.get(L.end)), take(L.acc[0], index, 0, combine), addTo(L.k, 4)),
  ];
  const at = (array: number) => [...op.get(array), ...op.get(L.o), ...op.i32Add, ...op.f32Load()];
  const body = [
    ...op.get(GATHER.outputs), ...op.i32(4), ...op.i32Mul, ...op.set(L.limit),
    ...forRange(
      L.o, op.get(L.limit), 4,
      L.acc.flatMap((acc) => [...op.f32Zero, ...op.set(acc)]),
      accumulate(GATHER.plusStart, GATHER.plusIndex, op.f32Add),
      accumulate(GATHER.minusStart, GATHER.minusIndex, op.f32Sub),
      [...op.get(GATHER.output), ...op.get(L.o), ...op.i32Add],
      [...op.get(L.acc[0]), ...L.acc.slice(1).flatMap((acc) => [...op.get(acc), ...op.f32Add]), ...at(GATHER.mul), ...op.f32Mul, ...at(GATHER.add), ...op.f32Add],
      [...op.get(GATHER.low), ...op.f32Max, ...op.get(GATHER.high), ...op.f32Min],
      op.f32Store(),
    ),
  ];
  return { name: 'gather', params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32'], locals: ['i32', 'i32', 'i32', 'i32', 'i32', ...L.acc.map((): ValueType => 'f32')], body };
}

/** Parameters of `window`: per channel, the max (or the scaled sum) of the input shifted by each offset. */
const WINDOW = { offsets: 0, count: 1, input: 2, output: 3, channels: 4, inPlane: 5, outPlane: 6, blockBytes: 7, scale: 8 } as const;

/**
 * window(offsets, count, input, output, channels, inPlane, outPlane, blockBytes, scale): for each
 * channel and 16-float block b, output[ch * outPlane + b] = max over k (or scale * sum) of
 * input[ch * inPlane + offsets[k] + b]. A pooling layer's windows, before its stride subsamples them.
 */
function windowKernel(max: boolean): WasmFunction {
  const L = { block: 9, k: 10, end: 11, p: 12, acc: [13, 14, 15, 16], limit: 17, src: 18, dst: 19 };
  const negativeInfinity = [0xfd, 0x0c, ...new Array<number[]>(4).fill([0x00, 0x00, 0x80, 0xff]).flat()];
  const body = [
    ...op.get(WINDOW.count), ...op.i32(4), ...op.i32Mul, ...op.get(WINDOW.offsets), ...op.i32Add, ...op.set(L.end),
    ...op.get(WINDOW.channels), ...op.get(WINDOW.inPlane), ...op.i32Mul, ...op.get(WINDOW.input), ...op.i32Add, ...op.set(L.limit),
    ...op.get(WINDOW.input), ...op.set(L.src),
    ...op.get(WINDOW.output), ...op.set(L.dst),
    ...until(
      atLeast(L.src, op.get(L.limit)),
      forRange(
        L.block, op.get(WINDOW.blockBytes), 64,
        L.acc.flatMap((acc) => [...(max ? negativeInfinity : op.v128Zero), ...op.set(acc)]),
        op.get(WINDOW.offsets), op.set(L.k),
        until(
          atLeast(L.k, op.get(L.end)),
          [...op.get(L.src), ...op.get(L.k), ...op.i32Load(), ...op.i32Add, ...op.get(L.block), ...op.i32Add, ...op.set(L.p)],
          combineAll(L.acc, L.p, max ? op.f32x4PMax : op.f32x4Add),
          addTo(L.k, 4),
        ),
        [...op.get(L.dst), ...op.get(L.block), ...op.i32Add, ...op.set(L.p)],
        L.acc.flatMap((acc, i) => [...op.get(L.p), ...op.get(acc), ...(max ? [] : [...op.get(WINDOW.scale), ...op.f32x4Splat, ...op.f32x4Mul]), ...op.v128Store(16 * i)]),
      ),
      addTo(L.src, op.get(WINDOW.inPlane)),
      addTo(L.dst, op.get(WINDOW.outPlane)),
    ),
  ];
  return {
    name: max ? 'windowMax' : 'windowSum',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32'],
    locals: ['i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'i32', 'i32', 'i32'],
    body,
  };
}

/** Parameters of `pool2`: a 2x2 window with stride 2, per channel. */
const POOL2 = { input: 0, output: 1, channels: 2, inPlane: 3, inRow: 4, rows: 5, outRow: 6, vectors: 7, outPlane: 8 } as const;

/**
 * pool2(input, output, channels, inPlane, inRow, rows, outRow, vectors, outPlane): the max (or
 * mean) of each 2x2 window at stride 2, four outputs at a time: two rows of eight inputs split
 * into even and odd columns by shuffles. Output rows are outRow bytes apart (a row's last group
 * may spill into the next, which overwrites it; 16 bytes more after the last row).
 */
function pool2Kernel(max: boolean): WasmFunction {
  const L = { ch: 9, y: 10, v: 11, a: 12, d: 13 };
  const combine = max ? op.f32x4PMax : op.f32x4Add;
  /** The pairs' max or sum along one input row (a: its start, in bytes), for outputs 4v..4v+3. */
  const rowPairs = (rowOffset: number[]) => {
    const load = (offset: number) => [...op.get(L.a), ...rowOffset, ...op.i32Add, ...op.get(L.v), ...op.i32(32), ...op.i32Mul, ...op.i32Add, ...op.v128Load(offset)];
    return [...load(0), ...load(16), ...op.evenLanes, ...load(0), ...load(16), ...op.oddLanes, ...combine];
  };
  const quarter = [0x43, 0, 0, 0x80, 0x3e]; // f32.const 0.25
  const body = [
    ...forRange(
      L.ch, op.get(POOL2.channels), 1,
      forRange(
        L.y, op.get(POOL2.rows), 1,
        // a: input row 2y of this channel; d: output row y
        [...op.get(POOL2.input), ...op.get(L.ch), ...op.get(POOL2.inPlane), ...op.i32Mul, ...op.i32Add, ...op.get(L.y), ...op.get(POOL2.inRow), ...op.i32(2), ...op.i32Mul, ...op.i32Mul, ...op.i32Add, ...op.set(L.a)],
        [...op.get(POOL2.output), ...op.get(L.ch), ...op.get(POOL2.outPlane), ...op.i32Mul, ...op.i32Add, ...op.get(L.y), ...op.get(POOL2.outRow), ...op.i32Mul, ...op.i32Add, ...op.set(L.d)],
        forRange(
          L.v, op.get(POOL2.vectors), 1,
          [...op.get(L.d), ...op.get(L.v), ...op.i32(16), ...op.i32Mul, ...op.i32Add],
          rowPairs(op.i32(0)),
          rowPairs(op.get(POOL2.inRow)),
          combine,
          max ? [] : [...quarter, ...op.f32x4Splat, ...op.f32x4Mul],
          op.v128Store(0),
        ),
      ),
    ),
  ];
  return { name: max ? 'pool2Max' : 'pool2Mean', params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], locals: ['i32', 'i32', 'i32', 'i32', 'i32'], body };
}

export interface SparseKernels {
  memory: WebAssembly.Memory;
  runs(...args: number[]): void;
  runsShifted(...args: number[]): void;
  gather(...args: number[]): void;
  window(max: boolean, ...args: number[]): void;
  pool2(max: boolean, ...args: number[]): void;
  fill(...args: number[]): void;
  scatter(...args: number[]): void;
  addRows(...args: number[]): void;
}

type Exported = (...args: number[]) => void;

/** The kernels over a memory of `pages` 64 KiB pages. */
export function sparseKernels(pages: number): SparseKernels {
  const memory = new WebAssembly.Memory({ initial: pages });
  const module = new WebAssembly.Module(wasmModule([runsKernel(0), runsKernel(BATCH_INDEX_SHIFT), gatherKernel(), windowKernel(true), windowKernel(false), pool2Kernel(true), pool2Kernel(false), fillKernel(), scatterKernel(), addRowsKernel()]));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, Exported>;
  return {
    memory,
    runs: exports.runs,
    runsShifted: exports.runsShifted,
    gather: exports.gather,
    window: (max, ...args) => (max ? exports.windowMax : exports.windowSum)(...args),
    pool2: (max, ...args) => (max ? exports.pool2Max : exports.pool2Mean)(...args),
    fill: exports.fill,
    scatter: exports.scatter,
    addRows: exports.addRows,
  };
}
