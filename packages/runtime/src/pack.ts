// A TF.js model (a chain of layers as the pipeline leaves it, or an imported network with residual
// additions) into the packed format: ternary kernels as +alpha/-alpha index lists (an alpha per
// layer or per output channel, the output's multiply), float kernels kept float, bias and
// BatchNorm folded into one multiply and one add per output, padding folded into the convolution
// or pooling after it, pooling (global too), residual Add, ReLU (ReLU6 too) and softmax. Depthwise
// and grouped convolutions are convolutions whose outputs read some channels.
import { weightLayerOf } from '@sparse-ternary/hw-cost';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PackError } from './errors';
import { encodePacked, PayloadWriter, type PackedLayer, type WeightLayer } from './format';

interface LayerWeights {
  [name: string]: { values: Float32Array; shape: number[] };
}

function weightsOf(layer: tfl.layers.Layer): LayerWeights {
  return Object.fromEntries(
    layer.weights.map((w) => [w.originalName.split('/').pop()!.replace(/_\d+$/, ''), { values: w.read().dataSync() as Float32Array, shape: w.shape as number[] }]),
  );
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);

/** TF 'same' padding: the odd pixel at the end. */
function samePads(size: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** BatchNorm as y = x * s + t per channel. */
function batchNormAffine(layer: tfl.layers.Layer): { mul: Float32Array; add: Float32Array } {
  const w = weightsOf(layer);
  const epsilon = (layer.getConfig().epsilon as number) ?? 1e-3;
  const channels = w.moving_mean.values.length;
  const mul = new Float32Array(channels);
  const add = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = (w.gamma?.values[c] ?? 1) / Math.sqrt(w.moving_variance.values[c] + epsilon);
    mul[c] = s;
    add[c] = (w.beta?.values[c] ?? 0) - w.moving_mean.values[c] * s;
  }
  return { mul, add };
}

/**
 * A weight layer's kernel: `values` as TF.js stores them, `rows` outputs over a fan-in of `fanIn`
 * inputs, and per output o the fan-in inputs j it reads with the index of each one's weight in
 * `values` (`full`: every output reads every input, at j * rows + o: TF.js's [in, out] and
 * [kh, kw, in, out] layouts).
 */
interface Kernel {
  values: Float32Array;
  rows: number;
  fanIn: number;
  full: boolean;
  taps(o: number, visit: (j: number, at: number) => void): void;
}

/** A dense or convolution kernel whose outputs read every input. */
function fullKernel(values: Float32Array, rows: number): Kernel {
  const fanIn = values.length / rows;
  return { values, rows, fanIn, full: true, taps: (o, visit) => { for (let j = 0; j < fanIn; j++) visit(j, j * rows + o); } };
}

/**
 * A convolution's kernel over a fan-in of (ky, kx, ic) for every input channel ic: a depthwise
 * kernel [kh, kw, c, multiplier] (output ic * multiplier + k reads channel ic) or a grouped one
 * [kh, kw, c / groups, filters] (each output reads its group's channels).
 */
function convKernel(kind: 'conv' | 'depthwise', kernel: { values: Float32Array; shape: number[] }, c: number): Kernel {
  const [kh, kw, channels, last] = kernel.shape;
  if (kind === 'conv' && channels === c) return fullKernel(kernel.values, last);
  const depthwise = kind === 'depthwise';
  const rows = depthwise ? c * last : last;
  const perGroup = rows / (c / channels);
  return {
    values: kernel.values,
    rows,
    fanIn: kh * kw * c,
    full: false,
    taps(o, visit) {
      if (depthwise) {
        // channel o / multiplier, its weight o % multiplier
        const ic = Math.floor(o / last);
        for (let p = 0; p < kh * kw; p++) visit(p * c + ic, (p * c + ic) * last + (o % last));
        return;
      }
      // the channels of o's group
      const first = Math.floor(o / perGroup) * channels;
      for (let p = 0; p < kh * kw; p++) for (let j = 0; j < channels; j++) visit(p * c + first + j, (p * channels + j) * last + o);
    },
  };
}

/**
 * Each output row's scale when every non-zero weight of the row has the same magnitude (one alpha
 * for the layer, or one per output channel), else undefined.
 */
function rowScales(kernel: Kernel): Float32Array | undefined {
  const { values, rows } = kernel;
  const scales = new Float32Array(rows);
  let ternary = values.some((v) => v !== 0);
  for (let o = 0; o < rows && ternary; o++) {
    kernel.taps(o, (_, at) => {
      const magnitude = Math.abs(values[at]);
      if (magnitude === 0) return;
      if (scales[o] === 0) scales[o] = magnitude;
      else if (magnitude !== scales[o]) ternary = false;
    });
  }
  return ternary ? scales : undefined;
}

/** The packed rows of a weight layer, `fanInIndex(j)` where fan-in input j is read; ternary when its values are (a scale per layer or per output), else float (full kernels only). */
function weightRows(payload: PayloadWriter, kernel: Kernel, fanInIndex: (j: number) => number, bias: Float32Array | undefined): { layer: WeightLayer; zeros: number } | undefined {
  const { values, rows, fanIn } = kernel;
  const scales = rowScales(kernel);
  const ternary = scales !== undefined;
  const add = Float32Array.from({ length: rows }, (_, o) => bias?.[o] ?? 0);
  let zeros = 0;
  if (!ternary) {
    // Float weights are stored as full rows: a grouped or depthwise kernel would grow by its group count.
    if (!kernel.full) return undefined;
    const weights = new Float32Array(rows * fanIn);
    for (let o = 0; o < rows; o++) for (let j = 0; j < fanIn; j++) weights[o * fanIn + j] = values[j * rows + o];
    const offsets = Int32Array.from({ length: fanIn }, (_, j) => fanInIndex(j));
    return { layer: { rows, fanIn, weights: payload.add(weights), offsets: payload.add(offsets), mul: payload.add(new Float32Array(rows).fill(1)), add: payload.add(add) }, zeros };
  }
  const lists = { plus: [] as number[], minus: [] as number[], plusStart: [0], minusStart: [0] };
  for (let o = 0; o < rows; o++) {
    kernel.taps(o, (j, at) => {
      const v = values[at];
      if (v > 0) lists.plus.push(fanInIndex(j));
      else if (v < 0) lists.minus.push(fanInIndex(j));
      else zeros++;
    });
    lists.plusStart.push(lists.plus.length);
    lists.minusStart.push(lists.minus.length);
  }
  return {
    layer: {
      rows,
      fanIn,
      ternary: {
        plusStart: payload.add(Int32Array.from(lists.plusStart)),
        plus: payload.add(Int32Array.from(lists.plus)),
        minusStart: payload.add(Int32Array.from(lists.minusStart)),
        minus: payload.add(Int32Array.from(lists.minus)),
      },
      mul: payload.add(scales),
      add: payload.add(add),
    },
    zeros,
  };
}

/** Where a tensor of the model is in the packed model: the layer that computes it (-1: the input), its shape, and the padding it waits for (a padding layer folds into the convolution or pooling after it). */
interface Source {
  index: number;
  shape: number[];
  pads?: { sides: [number, number, number, number]; value: 'zero' | 'lowest' };
}

/** Padding layers of imported models: their sides [top, left, bottom, right] and value. */
function paddingOf(layer: tfl.layers.Layer): Source['pads'] | undefined {
  const type = layer.getClassName();
  if (type !== 'ZeroPadding2D' && type !== 'SparseTernaryConstantPadding2D') return undefined;
  const config = layer.getConfig();
  const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
  const value = type === 'ZeroPadding2D' || config.value === 0 ? 'zero' : (config.value as number) <= -3e38 ? 'lowest' : undefined;
  if (!value) throw new PackError(`padding with ${config.value} is not packed (only zeros, and the lowest float before a max pooling)`, layer.name);
  return { sides: [top, left, bottom, right], value };
}

/** @sparse-ternary/onnx's Reduce layer taking the mean or max over rows and columns (ReduceMean over H and W): a global pooling. */
const spatialReduction = (type: string, config: Record<string, unknown>, shape: number[]) =>
  type === 'SparseTernaryReduce' && (config.op === 'mean' || config.op === 'max') && shape.length === 3 && JSON.stringify(config.axes) === '[1,2]';

const addSides = (a: [number, number, number, number], b: [number, number, number, number]) => a.map((v, i) => v + b[i]) as [number, number, number, number];

/**
 * Packs a model of layers with one input each, plus residual additions (Add of two earlier
 * tensors): a layer reading another than the one before it names it (`input`). Anything else is a
 * PackError naming the layer.
 */
export function pack(model: tfl.LayersModel): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new PackError('only models with one input and one output are packed');
  const payload = new PayloadWriter();
  const layers: PackedLayer[] = [];
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const tensors = new Map<tfl.SymbolicTensor, Source>([[model.inputs[0], { index: -1, shape: inputShape }]]);
  const graph = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  /** How many layers read each tensor: a weight layer folds the BatchNorm after it only when that is its one reader. */
  const readers = new Map<tfl.SymbolicTensor, number>();
  for (const layer of graph) for (const t of layer.inboundNodes[0]?.inputTensors ?? []) readers.set(t, (readers.get(t) ?? 0) + 1);
  /** Adds a packed layer reading `from` (named when it is not the layer just before). */
  const emit = (packed: PackedLayer, from: Source): number => {
    layers.push(from.index === layers.length - 1 ? packed : { ...packed, input: from.index });
    return layers.length - 1;
  };
  let weights = 0;
  let zeros = 0;
  graph.forEach((layer, i) => {
    if (layer.inboundNodes.length !== 1) throw new PackError('a layer applied more than once (shared weights) is not packed', layer.name);
    const inbound = layer.inboundNodes[0].inputTensors;
    const output = layer.inboundNodes[0].outputTensors[0];
    const sources = inbound.map((t) => tensors.get(t)!);
    const config = layer.getConfig();
    const type = layer.getClassName();
    const done = (source: Source) => tensors.set(output, source);
    if (type === 'Add') {
      if (sources.length !== 2) throw new PackError(`an Add of ${sources.length} tensors (two are packed)`, layer.name);
      const size = (s: Source) => s.shape.reduce((a, b) => a * b, 1);
      if (size(sources[0]) !== size(sources[1]) || sources.some((s) => s.pads)) throw new PackError(`an Add of [${sources[0].shape}] and [${sources[1].shape}]`, layer.name);
      // The one computed last is read as the layer's input, the other by its index.
      const [first, second] = sources[0].index >= sources[1].index ? sources : [sources[1], sources[0]];
      return done({ index: emit({ type: 'add', other: second.index }, first), shape: first.shape });
    }
    if (sources.length !== 1) throw new PackError(`${type} layers with ${sources.length} inputs are not packed`, layer.name);
    let from = sources[0];
    const padding = paddingOf(layer);
    if (padding) return done({ ...from, pads: { sides: from.pads ? addSides(from.pads.sides, padding.sides) : padding.sides, value: padding.value } });
    const weightLayer = weightLayerOf(layer);
    const pooling = type === 'MaxPooling2D' || type === 'AveragePooling2D';
    if (from.pads && !((weightLayer?.kind === 'conv' || weightLayer?.kind === 'depthwise') && from.pads.value === 'zero') && !(type === 'MaxPooling2D' && from.pads.value === 'lowest')) {
      throw new PackError(`${type} after a padding layer is not packed (padding folds into a convolution, or a max pooling after lowest-value padding)`, layer.name);
    }
    const pendingPads = from.pads?.sides ?? [0, 0, 0, 0];
    let shape = from.shape;
    const activation = (config.activation as string | undefined) ?? 'linear';
    // BatchNorm right after a weight layer (before any activation) folds into its multiply and add.
    const next = graph[i + 1];
    const foldsNext = activation === 'linear' && readers.get(output) === 1 && next?.inboundNodes[0]?.inputTensors[0] === output && ['BatchNormalization', 'FusedBatchNormalization'].includes(next.getClassName());
    const fold = (rows: WeightLayer & object, channels: number) => {
      if (!foldsNext) return;
      const bn = batchNormAffine(next);
      if (bn.mul.length !== channels) throw new PackError(`BatchNorm of ${bn.mul.length} channels after ${channels} outputs`, next.name);
      (rows as { foldedBatchNorm?: { mul: Float32Array; add: Float32Array } }).foldedBatchNorm = bn;
    };
    if (weightLayer?.kind === 'dense') {
      const inputs = shape.reduce((a, b) => a * b, 1);
      if (shape.length !== 1 && shape.slice(0, -1).some((d) => d !== 1)) throw new PackError(`a dense layer on a [${shape}] input (flatten it first)`, layer.name);
      const w = weightsOf(layer);
      const { layer: rows, zeros: z } = weightRows(payload, fullKernel(w.kernel.values, w.kernel.shape[1]), (j) => j, w.bias?.values)!;
      weights += w.kernel.values.length;
      zeros += z;
      fold(rows, rows.rows); // before the layer is copied into the list
      from = { index: emit({ type: 'dense', inputs, ...rows }, from), shape: [rows.rows] };
    } else if (weightLayer?.kind === 'conv' || weightLayer?.kind === 'depthwise') {
      if ((config.dataFormat ?? 'channelsLast') !== 'channelsLast' || pair(config.dilationRate ?? 1).some((d) => d !== 1)) throw new PackError('only channels-last, undilated convolutions are packed', layer.name);
      const [h, w, c] = shape;
      const w_ = weightsOf(layer);
      const kernel = w_.kernel ?? w_.depthwise_kernel;
      const [kh, kw] = kernel.shape;
      const taps = convKernel(weightLayer.kind, kernel, c);
      const filters = taps.rows;
      const strides = pair(config.strides);
      const padded: [number, number] = [h + pendingPads[0] + pendingPads[2], w + pendingPads[1] + pendingPads[3]];
      const [sameTop, sameBottom] = config.padding === 'same' ? samePads(padded[0], kh, strides[0]) : [0, 0];
      const [sameLeft, sameRight] = config.padding === 'same' ? samePads(padded[1], kw, strides[1]) : [0, 0];
      const [top, left, bottom, right] = addSides(pendingPads, [sameTop, sameLeft, sameBottom, sameRight]);
      const wp = w + left + right;
      // Fan-in j = (ky, kx, ci) in TF.js order; it reads the padded input at (ky * wp + kx) * c + ci.
      const packed = weightRows(payload, taps, (j) => (Math.floor(j / (kw * c)) * wp + (Math.floor(j / c) % kw)) * c + (j % c), w_.bias?.values);
      if (!packed) throw new PackError(`${type} with float weights is not packed (it would be stored as a full convolution); quantize it first`, layer.name);
      const { layer: rows, zeros: z } = packed;
      weights += kernel.values.length;
      zeros += z;
      const out: [number, number, number] = [Math.floor((h + top + bottom - kh) / strides[0]) + 1, Math.floor((wp - kw) / strides[1]) + 1, filters];
      fold(rows, filters);
      from = { index: emit({ type: 'conv', inShape: [h, w, c], outShape: out, kernel: [kh, kw], strides, pads: [top, left, bottom, right], ...rows }, from), shape: out };
    } else if (weightLayer) {
      throw new PackError(`${type} layers (transposed convolutions) are not packed by the runtime yet`, layer.name);
    } else if (pooling || type === 'GlobalAveragePooling2D' || type === 'GlobalMaxPooling2D' || spatialReduction(type, config, shape)) {
      const [h, w, c] = shape;
      const global = !pooling;
      const pool = global ? ([h, w] as [number, number]) : pair(config.poolSize);
      const strides = global ? ([1, 1] as [number, number]) : pair(config.strides ?? config.poolSize);
      const [sameTop, sameBottom] = config.padding === 'same' ? samePads(h, pool[0], strides[0]) : [0, 0];
      const [sameLeft, sameRight] = config.padding === 'same' ? samePads(w, pool[1], strides[1]) : [0, 0];
      const [top, left, bottom, right] = addSides(pendingPads, [sameTop, sameLeft, sameBottom, sameRight]);
      const out: [number, number, number] = [Math.floor((h + top + bottom - pool[0]) / strides[0]) + 1, Math.floor((w + left + right - pool[1]) / strides[1]) + 1, c];
      const kind = type.includes('Max') || config.op === 'max' ? 'max' : 'avg';
      from = { index: emit({ type: 'pool', kind, inShape: [h, w, c], outShape: out, pool, strides, pads: [top, left, bottom, right] }, from), shape: global && !config.keepDims ? [c] : out };
    } else if (type === 'BatchNormalization' || type === 'FusedBatchNormalization') {
      // Folded into the weight layer before it, or a multiply and add of its own.
      if (!(layers[from.index] as { foldedBatchNorm?: unknown } | undefined)?.foldedBatchNorm) {
        const { mul, add } = batchNormAffine(layer);
        from = { index: emit({ type: 'affine', channels: mul.length, mul: payload.add(mul), add: payload.add(add) }, from), shape };
      }
    } else if (type === 'Flatten' || type === 'Reshape') {
      // Channels-last data reshapes in place (an imported model's Flatten is a Reshape to one axis).
      const size = shape.reduce((a, b) => a * b, 1);
      const target = type === 'Flatten' ? [size] : (config.targetShape as number[]);
      const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const resolved = target.map((d) => (d === -1 ? size / known : d));
      if (resolved.reduce((a, b) => a * b, 1) !== size) throw new PackError(`a Reshape of ${size} values to [${config.targetShape}]`, layer.name);
      from = { index: from.index, shape: resolved };
    } else if (type === 'SparseTernaryQuantizedActivation') {
      const { bits, signed } = layer.getConfig() as { bits: number; signed: boolean };
      const clip = layer.weights[0].read().dataSync()[0];
      from = { index: emit({ type: 'quantize', bits, signed, clip }, from), shape };
    } else if (type !== 'Dropout' && type !== 'Activation' && type !== 'ReLU' && type !== 'Softmax') {
      throw new PackError(`${type} layers are not supported by the runtime`, layer.name);
    }
    const act = type === 'ReLU' ? 'relu' : type === 'Softmax' ? 'softmax' : activation;
    // ReLU6 and other capped ReLUs (PyTorch's Clip(0, 6) imports as a ReLU layer with a maximum).
    const max = type === 'ReLU' ? (config.maxValue as number | null | undefined) ?? undefined : act === 'relu6' ? 6 : undefined;
    if (act === 'relu' || act === 'relu6') from = { index: emit(max === undefined ? { type: 'relu' } : { type: 'relu', max }, from), shape: from.shape };
    else if (act === 'softmax') from = { index: emit({ type: act }, from), shape: from.shape };
    else if (act !== 'linear') throw new PackError(`activation '${act}' is not supported by the runtime`, layer.name);
    done(from);
  });
  const last = tensors.get(model.outputs[0])!;
  if (last.index !== layers.length - 1) throw new PackError('the output is not computed by the last layer', model.outputs[0].name);
  const shape = last.shape;
  // Folded BatchNorms become the weight layers' multiply and add.
  for (const layer of layers) {
    const folded = (layer as { foldedBatchNorm?: { mul: Float32Array; add: Float32Array } }).foldedBatchNorm;
    if (!folded) continue;
    delete (layer as { foldedBatchNorm?: unknown }).foldedBatchNorm;
    const w = layer as WeightLayer;
    w.mul = payload.replace(w.mul, (mul, o) => mul * folded.mul[o]);
    w.add = payload.replace(w.add, (add, o) => add * folded.mul[o] + folded.add[o]);
  }
  return encodePacked({ inputShape, outputSize: shape.reduce((a, b) => a * b, 1), layers, info: { weights, zeros, sparsity: weights ? zeros / weights : 0 } }, payload);
}
