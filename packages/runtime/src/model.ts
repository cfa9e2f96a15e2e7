// Loading (with every index checked against the shapes it reads, so inference never reads out of
// bounds) and inference: inner loops only add and subtract inputs, one multiply per output.
import { PackedModelError, InputError } from './errors';
import { decodePacked, type ArrayRef, type PackedHeader, type PackedLayer, type WeightLayer } from './format';
import { pool } from './pooling';
import { medianTimes, type Timed } from './profile';
import { quantizer } from './quantize';
import { softmax } from './softmax';
import { Arena } from './wasm/arena';
import { denseBatchPlan, type BatchRunner } from './wasm/dense_batch_plan';
import { BATCH } from './wasm/dense_index';
import { hasWasmSimd } from './wasm/wasm_binary';
import { samplePlan, type PlannedLayer, type SampleRunner } from './wasm/wasm_plan';
import type { OperationTime } from './profile';

const MAX_ELEMENTS = 1 << 27;

/** A layer's computation: its input to its output (and, for a residual addition, the other tensor it adds). */
type Kernel = (input: Float32Array, output: Float32Array, other?: Float32Array) => void;

export interface Step {
  outputSize: number;
  /** Floats of scratch memory the step holds (a convolution's padded input and accumulator plane); none when absent. */
  scratch?: number;
  /** Allocates the scratch memory, once the whole model has been checked and fits the budget. */
  prepare?: () => void;
  run: Kernel;
}

export interface LoadOptions {
  /** The most memory a loaded model may hold (payload and activations); default 256 MiB. */
  maxMemoryBytes?: number;
  /**
   * 'wasm': the WebAssembly SIMD kernels (an error where the engine has no WebAssembly SIMD);
   * 'scalar': the TypeScript reference; 'auto' (default): wasm where available.
   */
  kernels?: 'auto' | 'wasm' | 'scalar';
}

const DEFAULT_MAX_MEMORY = 256 << 20;

/** Typed views of the payload, checked against its size. */
function views(payload: ArrayBuffer) {
  const words = payload.byteLength / 4;
  const check = (ref: ArrayRef | undefined, kind: 'f32' | 'i32', length: number | undefined, what: string) => {
    if (!ref || ref.kind !== kind || !Number.isInteger(ref.offset) || !Number.isInteger(ref.length) || ref.offset < 0 || ref.length < 0 || ref.offset + ref.length > words) {
      throw new PackedModelError(`${what}: array reference ${JSON.stringify(ref)} is not a ${kind} array inside the payload`);
    }
    if (length !== undefined && ref.length !== length) throw new PackedModelError(`${what}: ${ref.length} values where ${length} are needed`);
  };
  return {
    f32(ref: ArrayRef | undefined, length: number | undefined, what: string): Float32Array {
      check(ref, 'f32', length, what);
      return new Float32Array(payload, ref!.offset * 4, ref!.length);
    },
    i32(ref: ArrayRef | undefined, length: number | undefined, what: string): Int32Array {
      check(ref, 'i32', length, what);
      return new Int32Array(payload, ref!.offset * 4, ref!.length);
    },
  };
}

/** Positive sizes whose product (a tensor's elements) stays within MAX_ELEMENTS: nothing huge is allocated. */
const positive = (values: unknown[], what: string) => {
  if (!values.every((v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_ELEMENTS)) throw new PackedModelError(`${what} [${values}] is not a list of positive sizes`);
};
const tensorSize = (dims: number[], what: string) => {
  positive(dims, what);
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > MAX_ELEMENTS) throw new PackedModelError(`${what} [${dims}] has more than ${MAX_ELEMENTS} elements`);
  return size;
};

/** Outputs along one axis of a window sliding over `size` inputs padded by `pads` in all: what conv and pool layers must declare. */
const windowOutputs = (size: number, pads: number, window: number, stride: number) => Math.floor((size + pads - window) / stride) + 1;

/** Checks one output row structure (CSR starts and indices) against the range its indices may take. */
function rows(view: ReturnType<typeof views>, layer: WeightLayer, limit: number, what: string): Rows {
  const mul = view.f32(layer.mul, layer.rows, `${what} mul`);
  const add = view.f32(layer.add, layer.rows, `${what} add`);
  if (layer.ternary) {
    const lists = (['plus', 'minus'] as const).map((sign) => {
      const start = view.i32(layer.ternary![`${sign}Start`], layer.rows + 1, `${what} ${sign} starts`);
      const index = view.i32(layer.ternary![sign], undefined, `${what} ${sign}`);
      if (start[0] !== 0 || start[layer.rows] !== index.length) throw new PackedModelError(`${what}: ${sign} starts do not cover its ${index.length} indices`);
      for (let r = 0; r < layer.rows; r++) if (start[r + 1] < start[r]) throw new PackedModelError(`${what}: ${sign} starts decrease at row ${r}`);
      for (let i = 0; i < index.length; i++) if (index[i] < 0 || index[i] >= limit) throw new PackedModelError(`${what}: ${sign} index ${index[i]} is outside [0, ${limit})`);
      return { start, index };
    });
    return { mul, add, plus: lists[0], minus: lists[1] } as Rows;
  }
  const weights = view.f32(layer.weights, layer.rows * layer.fanIn, `${what} weights`);
  return { mul, add, weights } as Rows;
}

interface IndexList {
  start: Int32Array;
  index: Int32Array;
}
export type Rows = { mul: Float32Array; add: Float32Array } & ({ plus: IndexList; minus: IndexList } | { weights: Float32Array });

type FloatRows = Extract<Rows, { weights: Float32Array }>;

/** A layer kept float: the weighted sum of output row o over its fan-in at base (+ offset). */
function floatRowSum(r: FloatRows, o: number, input: Float32Array, base: number, offsets: Int32Array | undefined, fanIn: number): number {
  let acc = 0;
  const w = r.weights;
  for (let j = 0, row = o * fanIn; j < fanIn; j++) acc += w[row + j] * input[base + (offsets ? offsets[j] : j)];
  return acc;
}

/**
 * A ternary convolution, weight by weight: for each output channel, each of its non-zero offsets
 * adds (or subtracts) a strided plane of the padded input to the channel's accumulator plane.
 * The inner loop is a long, regular walk over output positions instead of a short gather per output.
 */
function ternaryConv(r: Extract<Rows, { plus: IndexList }>, padded: Float32Array, output: Float32Array, g: { oh: number; ow: number; co: number; rowStep: number; colStep: number }, plane: Float32Array): void {
  const { oh, ow, co, rowStep, colStep } = g;
  for (let o = 0; o < co; o++) {
    plane.fill(0);
    for (const [list, sign] of [[r.plus, 1], [r.minus, -1]] as const) {
      for (let k = list.start[o], end = list.start[o + 1]; k < end; k++) {
        const offset = list.index[k];
        for (let y = 0; y < oh; y++) {
          const row = y * ow;
          let i = y * rowStep + offset;
          if (sign > 0) for (let x = 0; x < ow; x++, i += colStep) plane[row + x] += padded[i];
          else for (let x = 0; x < ow; x++, i += colStep) plane[row + x] -= padded[i];
        }
      }
    }
    const mul = r.mul[o];
    const add = r.add[o];
    for (let p = 0; p < oh * ow; p++) output[p * co + o] = mul * plane[p] + add;
  }
}

/** Shapes of the same size: a channels-last tensor reshapes in place. */
const sameSize = (a: number[], b: number[]) => a.reduce((x, y) => x * y, 1) === b.reduce((x, y) => x * y, 1);

function step(layer: PackedLayer, index: number, shape: number[], view: ReturnType<typeof views>, shapeOf: (index: number) => number[]): { step: Step; shape: number[]; rows?: Rows } {
  const what = `layer ${index} (${layer?.type})`;
  const size = shape.reduce((a, b) => a * b, 1);
  switch (layer?.type) {
    case 'dense': {
      positive([layer.rows, layer.inputs], `${what} shape`);
      tensorSize([layer.rows, layer.inputs], `${what} weights`);
      if (layer.inputs !== size || layer.fanIn !== size) throw new PackedModelError(`${what} reads ${layer.inputs} inputs; the previous layer gives ${size}`);
      const r = rows(view, layer, size, what);
      return {
        rows: r,
        shape: [layer.rows],
        step: {
          outputSize: layer.rows,
          run: (input, output) => {
            if (!('plus' in r)) {
              for (let o = 0; o < layer.rows; o++) output[o] = r.mul[o] * floatRowSum(r, o, input, 0, undefined, layer.fanIn) + r.add[o];
              return;
            }
            // The ternary path, written out: one index load and one add or subtract per non-zero.
            const { start: ps, index: pi } = r.plus;
            const { start: ms, index: mi } = r.minus;
            for (let o = 0; o < layer.rows; o++) {
              let acc = 0;
              for (let k = ps[o], end = ps[o + 1]; k < end; k++) acc += input[pi[k]];
              for (let k = ms[o], end = ms[o + 1]; k < end; k++) acc -= input[mi[k]];
              output[o] = r.mul[o] * acc + r.add[o];
            }
          },
        },
      };
    }
    case 'conv': {
      const [h, w, c] = layer.inShape ?? [];
      const [oh, ow, co] = layer.outShape ?? [];
      const [kh, kw] = layer.kernel ?? [];
      const [sh, sw] = layer.strides ?? [];
      const [top, left, bottom, right] = layer.pads ?? [];
      positive([h, w, c, oh, ow, co, kh, kw, sh, sw], `${what} shapes`);
      tensorSize([oh, ow, co], `${what} output`);
      if (![top, left, bottom, right].every((p) => Number.isInteger(p) && p >= 0 && p < 1024)) throw new PackedModelError(`${what} pads [${layer.pads}] are not valid`);
      if (!sameSize(shape, [h, w, c])) throw new PackedModelError(`${what} takes [${layer.inShape}]; its input has [${shape}]`);
      const hp = h + top + bottom;
      const wp = w + left + right;
      tensorSize([hp, wp, c], `${what} padded input`);
      if (windowOutputs(h, top + bottom, kh, sh) !== oh || windowOutputs(w, left + right, kw, sw) !== ow || co !== layer.rows || layer.fanIn !== kh * kw * c) throw new PackedModelError(`${what}: output [${layer.outShape}] does not follow from its input, kernel, strides and pads`);
      const span = ((kh - 1) * wp + (kw - 1)) * c + c;
      const r = rows(view, layer, span, what);
      const offsets = layer.ternary ? undefined : view.i32(layer.offsets, layer.fanIn, `${what} offsets`);
      if (offsets?.some((o) => o < 0 || o >= span)) throw new PackedModelError(`${what}: an offset is outside the kernel window`);
      let padded = new Float32Array(0);
      let plane = new Float32Array(0);
      return {
        rows: r,
        shape: [oh, ow, co],
        step: {
          outputSize: oh * ow * co,
          scratch: hp * wp * c + oh * ow,
          prepare: () => {
            padded = new Float32Array(hp * wp * c);
            plane = new Float32Array(oh * ow);
          },
          run: (input, output) => {
            for (let y = 0; y < h; y++) padded.set(input.subarray(y * w * c, (y + 1) * w * c), ((y + top) * wp + left) * c);
            if ('plus' in r) return ternaryConv(r, padded, output, { oh, ow, co, rowStep: sh * wp * c, colStep: sw * c }, plane);
            for (let y = 0; y < oh; y++) {
              for (let x = 0; x < ow; x++) {
                const base = (y * sh * wp + x * sw) * c;
                const out = (y * ow + x) * co;
                for (let o = 0; o < co; o++) output[out + o] = r.mul[o] * floatRowSum(r, o, padded, base, offsets, layer.fanIn) + r.add[o];
              }
            }
          },
        },
      };
    }
    case 'pool': {
      const [h, w, c] = layer.inShape ?? [];
      const [oh, ow] = layer.outShape ?? [];
      const [ph, pw] = layer.pool ?? [];
      const [sh, sw] = layer.strides ?? [];
      const [top, left, bottom, right] = layer.pads ?? [];
      positive([h, w, c, oh, ow, ph, pw, sh, sw], `${what} shapes`);
      tensorSize([oh, ow, c], `${what} output`);
      if (!sameSize(shape, [h, w, c]) || layer.outShape[2] !== c) throw new PackedModelError(`${what} takes [${layer.inShape}]; its input has [${shape}]`);
      if (![top, left, bottom, right].every((p) => Number.isInteger(p) && p >= 0) || top >= ph || bottom >= ph || left >= pw || right >= pw) throw new PackedModelError(`${what} pads [${layer.pads}] are not valid`);
      // The output and window follow from the input: a forged output shape cannot make the loops run for minutes.
      if (ph > h + top + bottom || pw > w + left + right || windowOutputs(h, top + bottom, ph, sh) !== oh || windowOutputs(w, left + right, pw, sw) !== ow) {
        throw new PackedModelError(`${what}: output [${layer.outShape}] does not follow from its input [${layer.inShape}], window, strides and pads`);
      }
      const geometry = { c, h, w, oh, ow, pool: layer.pool, strides: layer.strides, top, left, max: layer.kind === 'max' };
      return {
        shape: [oh, ow, c],
        step: { outputSize: oh * ow * c, run: (input, output) => pool(input, output, geometry, { base: 0, channel: 1, row: w * c, column: c }, { base: 0, channel: 1, row: ow * c, column: c }) },
      };
    }
    case 'add': {
      if (!Number.isInteger(layer.other) || layer.other < -1 || layer.other >= index) throw new PackedModelError(`${what} adds layer ${layer.other}, which is not an earlier layer`);
      if (!sameSize(shapeOf(layer.other), shape)) throw new PackedModelError(`${what} adds [${shapeOf(layer.other)}] to [${shape}]`);
      return { shape, step: { outputSize: size, run: (input, output, other) => { for (let i = 0; i < size; i++) output[i] = input[i] + other![i]; } } };
    }
    case 'affine': {
      const channels = shape[shape.length - 1];
      if (layer.channels !== channels) throw new PackedModelError(`${what} has ${layer.channels} channels; its input has ${channels}`);
      const mul = view.f32(layer.mul, channels, `${what} mul`);
      const add = view.f32(layer.add, channels, `${what} add`);
      return { shape, step: { outputSize: size, run: (input, output) => { for (let i = 0; i < size; i++) output[i] = input[i] * mul[i % channels] + add[i % channels]; } } };
    }
    case 'relu': {
      if (layer.max !== undefined && !(typeof layer.max === 'number' && layer.max > 0)) throw new PackedModelError(`${what} max ${JSON.stringify(layer.max)} is not a positive number`);
      const max = layer.max ?? Infinity;
      return { shape, step: { outputSize: size, run: (input, output) => { for (let i = 0; i < size; i++) output[i] = Math.min(input[i] > 0 ? input[i] : 0, max); } } };
    }
    case 'softmax':
      return { shape, step: { outputSize: size, run: (input, output) => softmax(input.subarray(0, size), output) } };
    case 'quantize': {
      if (!Number.isInteger(layer.bits) || layer.bits < 1 || layer.bits > 8) throw new PackedModelError(`${what} bits ${JSON.stringify(layer.bits)} is not an integer from 1 to 8`);
      if (!(typeof layer.clip === 'number' && layer.clip > 0 && Number.isFinite(layer.clip))) throw new PackedModelError(`${what} clip ${JSON.stringify(layer.clip)} is not a positive number`);
      return { shape, step: { outputSize: size, run: quantizer(layer.bits, layer.signed === true, layer.clip, size) } };
    }
    default:
      throw new PackedModelError(`${what}: unknown layer type`);
  }
}

export interface SparseTernaryModel {
  /** Per sample, channels-last. */
  inputShape: number[];
  outputSize: number;
  /** Bytes held by the loaded model: its payload and, with the WebAssembly kernels, their memory (tables and activations). */
  bytes: number;
  /** One sample: a new output array. */
  predictOne(sample: Float32Array): Float32Array;
  /** `count` samples, one after the other in `input`: their outputs, one after the other. */
  predict(input: Float32Array, count: number): Float32Array;
  info?: Record<string, unknown>;
  /** The kernels it runs: 'wasm' (WebAssembly SIMD) or 'scalar' (the TypeScript reference). */
  kernels: 'wasm' | 'scalar';
  /** Where one sample's time goes: each operation's median time over `repeat` runs of `sample` (default 20). */
  profile(sample: Float32Array, repeat?: number): OperationTime[];
}

/**
 * Reads a packed model: PackedModelError for anything corrupt or inconsistent, or for a model that
 * would hold more than `maxMemoryBytes` (checked from its sizes before anything is allocated).
 */
export function load(bytes: Uint8Array, options: LoadOptions = {}): SparseTernaryModel {
  try {
    return loadChecked(bytes, options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY, options.kernels ?? 'auto');
  } catch (error) {
    // Every check is meant to come first; should an engine limit be hit anyway, it is still this file's error.
    if (error instanceof RangeError) throw new PackedModelError(`the model's sizes cannot be allocated (${error.message})`);
    throw error;
  }
}

function loadChecked(bytes: Uint8Array, maxMemoryBytes: number, kernels: 'auto' | 'wasm' | 'scalar'): SparseTernaryModel {
  const { header, payload } = decodePacked(bytes);
  if (!Array.isArray(header.inputShape) || !Array.isArray(header.layers) || !header.layers.length) throw new PackedModelError('the header has no input shape or no layers');
  tensorSize(header.inputShape, 'input shape');
  const planned = plannedLayers(header, views(payload));
  const steps = planned.map((p) => p.step);
  const inputSize = header.inputShape.reduce((a, b) => a * b, 1);
  const outputSize = steps[steps.length - 1].outputSize;
  if (header.outputSize !== outputSize) throw new PackedModelError(`the header says ${header.outputSize} outputs; the layers give ${outputSize}`);
  // The reference keeps every layer's output (a residual connection reads an earlier one).
  const memory = payload.byteLength + 4 * steps.reduce((sum, s) => sum + s.outputSize + (s.scratch ?? 0), 0);
  const limit = (needed: number, what: string) => new PackedModelError(`the model needs ${(needed / 2 ** 20).toFixed(1)} MiB to run${what}, over the limit of ${(maxMemoryBytes / 2 ** 20).toFixed(1)} MiB (load's maxMemoryBytes)`);
  if (kernels === 'wasm' && !hasWasmSimd()) throw new InputError("kernels 'wasm': this engine has no WebAssembly SIMD");
  const accelerated = kernels !== 'scalar' && hasWasmSimd() ? wasmRunners(header, payload, planned, maxMemoryBytes) : undefined;
  if (kernels === 'wasm' && accelerated && 'needed' in accelerated) throw limit(accelerated.needed, ' with the WebAssembly kernels');
  const wasm = accelerated && !('needed' in accelerated) ? accelerated : undefined;
  if (!wasm && memory > maxMemoryBytes) throw limit(memory, '');
  if (!wasm) steps.forEach((s) => s.prepare?.());
  const outputs = wasm ? [] : steps.map((s) => new Float32Array(s.outputSize));
  /** The reference steps one after the other, each through `timed`. */
  const runSteps = (sample: Float32Array, output: Float32Array, timed: Timed) => {
    const tensor = (index: number) => (index === -1 ? sample : outputs[index]);
    steps.forEach((s, i) => {
      const layer = header.layers[i];
      const target = i === steps.length - 1 ? output : outputs[i];
      timed(i, () => s.run(tensor(inputOf(layer, i)), target, layer.type === 'add' ? tensor(layer.other) : undefined));
    });
  };
  const scalar: SampleRunner = {
    run: (sample, output) => runSteps(sample, output, (_, work) => work()),
    profile: (sample, output, repeat) => medianTimes(header.layers.map((l, i) => `layer ${i} ${l.type}`), repeat, (timed) => runSteps(sample, output, timed)),
  };
  const one = wasm?.one ?? scalar;
  const runOne = one.run;
  const runBatch = wasm?.batch;
  const checked = (input: Float32Array, count: number) => {
    if (!(input instanceof Float32Array)) throw new InputError('input must be a Float32Array');
    if (!Number.isInteger(count) || count < 1 || input.length !== count * inputSize) {
      throw new InputError(`input has ${input.length} values; ${count} samples of [${header.inputShape}] need ${count * inputSize}`);
    }
  };
  return {
    inputShape: header.inputShape,
    outputSize,
    bytes: wasm?.bytes ?? payload.byteLength,
    info: header.info,
    kernels: wasm ? 'wasm' : 'scalar',
    predictOne(sample) {
      checked(sample, 1);
      const output = new Float32Array(outputSize);
      runOne(sample, output);
      return output;
    },
    profile(sample, repeat = 20) {
      checked(sample, 1);
      if (!Number.isInteger(repeat) || repeat < 1) throw new InputError(`repeat must be a positive integer, got ${repeat}`);
      return one.profile(sample, new Float32Array(outputSize), repeat);
    },
    predict(input, count) {
      checked(input, count);
      const output = new Float32Array(count * outputSize);
      let n = 0;
      // Dense models: 16 samples per pass of the weights.
      for (; runBatch && count - n > 1; n += BATCH) {
        const chunk = Math.min(BATCH, count - n);
        runBatch(input.subarray(n * inputSize, (n + chunk) * inputSize), output.subarray(n * outputSize, (n + chunk) * outputSize), chunk);
      }
      for (; n < count; n++) runOne(input.subarray(n * inputSize, (n + 1) * inputSize), output.subarray(n * outputSize, (n + 1) * outputSize));
      return output;
    },
  };
}

/** Every layer checked and turned into its reference step (over the payload `view` reads). */
function plannedLayers(header: PackedHeader, view: ReturnType<typeof views>): PlannedLayer[] {
  const shapes: number[][] = [];
  const shapeOf = (index: number) => (index === -1 ? header.inputShape : shapes[index]);
  return header.layers.map((layer, i) => {
    const input = inputOf(layer, i);
    const inShape = shapeOf(input);
    const next = step(layer, i, inShape, view, shapeOf);
    shapes.push(next.shape);
    return { layer, inShape, step: next.step, rows: next.rows };
  });
}

/** The layer whose output layer i reads (-1: the model's input): the one before, or the earlier one it names. */
function inputOf(layer: PackedLayer, i: number): number {
  const input = layer?.input ?? i - 1;
  if (!Number.isInteger(input) || input < -1 || input >= i) throw new PackedModelError(`layer ${i} (${layer?.type}) reads layer ${input}, which is not an earlier layer`);
  return input;
}

/**
 * The WebAssembly runners: one memory holding the payload (index arrays rewritten in place for the
 * kernels) and the activations; the reference steps of the layers the kernels do not run read the
 * payload there too, so the weights are held once. Or the bytes it would need, over the limit.
 */
function wasmRunners(header: PackedHeader, payload: ArrayBuffer, planned: PlannedLayer[], maxBytes: number): { one: SampleRunner; batch?: BatchRunner; bytes: number } | { needed: number } {
  const arena = new Arena(payload);
  const one = samplePlan(planned, header.inputShape, arena);
  const batch = denseBatchPlan(planned, header.inputShape.reduce((a, b) => a * b, 1), arena, one.dense);
  const needed = arena.bytes + one.slack * 4;
  if (needed > maxBytes) return { needed };
  const kernels = arena.allocate(one.slack);
  // The reference steps over the memory, built (and checked) before the kernels' rewrites.
  const steps = plannedLayers(header, views(kernels.memory.buffer)).map((p) => p.step);
  arena.finish(kernels);
  return { one: one.bind(kernels, steps), batch: batch?.(kernels), bytes: kernels.memory.buffer.byteLength };
}
