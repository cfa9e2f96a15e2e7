// A TF.js model (a chain of layers, as the pipeline leaves it) into the packed format: ternary
// kernels as +alpha/-alpha index lists, float kernels kept float, bias and BatchNorm folded into
// one multiply and one add per output, pooling, ReLU and softmax.
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
 * The rows of a weight layer: kernel[j * rows + o] is the weight from fan-in input j to output o
 * (TF.js's [in, out] and [kh, kw, in, out] layouts), `fanInIndex(j)` where input j is read.
 */
function weightRows(payload: PayloadWriter, kernel: Float32Array, rows: number, fanInIndex: (j: number) => number, bias: Float32Array | undefined): { layer: WeightLayer; zeros: number } {
  const fanIn = kernel.length / rows;
  let alpha = 0;
  for (const v of kernel) alpha = Math.max(alpha, Math.abs(v));
  const ternary = alpha > 0 && kernel.every((v) => v === 0 || Math.abs(v) === alpha);
  const add = Float32Array.from({ length: rows }, (_, o) => bias?.[o] ?? 0);
  let zeros = 0;
  if (!ternary) {
    const weights = new Float32Array(rows * fanIn);
    for (let o = 0; o < rows; o++) for (let j = 0; j < fanIn; j++) weights[o * fanIn + j] = kernel[j * rows + o];
    const offsets = Int32Array.from({ length: fanIn }, (_, j) => fanInIndex(j));
    return { layer: { rows, fanIn, weights: payload.add(weights), offsets: payload.add(offsets), mul: payload.add(new Float32Array(rows).fill(1)), add: payload.add(add) }, zeros };
  }
  const lists = { plus: [] as number[], minus: [] as number[], plusStart: [0], minusStart: [0] };
  for (let o = 0; o < rows; o++) {
    for (let j = 0; j < fanIn; j++) {
      const v = kernel[j * rows + o];
      if (v > 0) lists.plus.push(fanInIndex(j));
      else if (v < 0) lists.minus.push(fanInIndex(j));
      else zeros++;
    }
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
      mul: payload.add(new Float32Array(rows).fill(alpha)),
      add: payload.add(add),
    },
    zeros,
  };
}

/** Packs a model whose layers form a chain; anything else is a PackError naming the layer. */
export function pack(model: tfl.LayersModel): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new PackError('only models with one input and one output are packed');
  const payload = new PayloadWriter();
  const layers: PackedLayer[] = [];
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  let shape = [...inputShape];
  let weights = 0;
  let zeros = 0;
  let previous = model.inputs[0];
  const chain = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  chain.forEach((layer, i) => {
    const inbound = layer.inboundNodes[0]?.inputTensors;
    if (layer.inboundNodes.length !== 1 || inbound.length !== 1 || inbound[0] !== previous) throw new PackError('the model is not a chain of layers', layer.name);
    previous = layer.inboundNodes[0].outputTensors[0];
    const config = layer.getConfig();
    const type = layer.getClassName();
    const activation = (config.activation as string | undefined) ?? 'linear';
    // BatchNorm right after a weight layer (before any activation) folds into its multiply and add.
    const next = chain[i + 1];
    const foldsNext = activation === 'linear' && next && ['BatchNormalization', 'FusedBatchNormalization'].includes(next.getClassName());
    const fold = (layer: WeightLayer & object, channels: number) => {
      if (!foldsNext) return;
      const bn = batchNormAffine(next);
      if (bn.mul.length !== channels) throw new PackError(`BatchNorm of ${bn.mul.length} channels after ${channels} outputs`, next.name);
      (layer as { foldedBatchNorm?: { mul: Float32Array; add: Float32Array } }).foldedBatchNorm = bn;
    };
    const weightLayer = weightLayerOf(layer);
    if (weightLayer?.kind === 'dense') {
      if (shape.length !== 1) throw new PackError(`a dense layer on a [${shape}] input (flatten it first)`, layer.name);
      const w = weightsOf(layer);
      const { layer: rows, zeros: z } = weightRows(payload, w.kernel.values, w.kernel.shape[1], (j) => j, w.bias?.values);
      weights += w.kernel.values.length;
      zeros += z;
      fold(rows, rows.rows); // before the layer is copied into the list
      layers.push({ type: 'dense', inputs: shape[0], ...rows });
      shape = [rows.rows];
    } else if (weightLayer?.kind === 'conv' && type === 'Conv2D') {
      if ((config.dataFormat ?? 'channelsLast') !== 'channelsLast' || pair(config.dilationRate ?? 1).some((d) => d !== 1)) throw new PackError('only channels-last, undilated convolutions are packed', layer.name);
      const [h, w, c] = shape;
      const w_ = weightsOf(layer);
      const [kh, kw, , filters] = w_.kernel.shape;
      const strides = pair(config.strides);
      const [top, bottom] = config.padding === 'same' ? samePads(h, kh, strides[0]) : [0, 0];
      const [left, right] = config.padding === 'same' ? samePads(w, kw, strides[1]) : [0, 0];
      const wp = w + left + right;
      // Fan-in j = (ky, kx, ci) in TF.js order; it reads the padded input at (ky * wp + kx) * c + ci.
      const { layer: rows, zeros: z } = weightRows(payload, w_.kernel.values, filters, (j) => (Math.floor(j / (kw * c)) * wp + (Math.floor(j / c) % kw)) * c + (j % c), w_.bias?.values);
      weights += w_.kernel.values.length;
      zeros += z;
      const out: [number, number, number] = [Math.floor((h + top + bottom - kh) / strides[0]) + 1, Math.floor((wp - kw) / strides[1]) + 1, filters];
      fold(rows, filters);
      layers.push({ type: 'conv', inShape: [h, w, c], outShape: out, kernel: [kh, kw], strides, pads: [top, left, bottom, right], ...rows });
      shape = out;
    } else if (weightLayer) {
      const what = { depthwise: 'depthwise convolutions', transposedConv: 'transposed convolutions', conv: 'grouped convolutions', dense: '' }[weightLayer.kind];
      throw new PackError(`${type} layers (${what}) are not packed by the runtime yet`, layer.name);
    } else if (type === 'MaxPooling2D' || type === 'AveragePooling2D') {
      const [h, w, c] = shape;
      const pool = pair(config.poolSize);
      const strides = pair(config.strides ?? config.poolSize);
      const [top, bottom] = config.padding === 'same' ? samePads(h, pool[0], strides[0]) : [0, 0];
      const [left, right] = config.padding === 'same' ? samePads(w, pool[1], strides[1]) : [0, 0];
      const out: [number, number, number] = [Math.floor((h + top + bottom - pool[0]) / strides[0]) + 1, Math.floor((w + left + right - pool[1]) / strides[1]) + 1, c];
      layers.push({ type: 'pool', kind: type === 'MaxPooling2D' ? 'max' : 'avg', inShape: [h, w, c], outShape: out, pool, strides, pads: [top, left, bottom, right] });
      shape = out;
    } else if (type === 'BatchNormalization' || type === 'FusedBatchNormalization') {
      const previousLayer = layers[layers.length - 1] as { foldedBatchNorm?: unknown } | undefined;
      if (previousLayer?.foldedBatchNorm) return; // folded into the weight layer before it
      const { mul, add } = batchNormAffine(layer);
      layers.push({ type: 'affine', channels: mul.length, mul: payload.add(mul), add: payload.add(add) });
    } else if (type === 'Flatten' || (type === 'Reshape' && (config.targetShape as number[]).length === 1)) {
      // Channels-last data flattens in place (an imported model's Flatten is a Reshape to one axis).
      const size = shape.reduce((a, b) => a * b, 1);
      if (type === 'Reshape' && (config.targetShape as number[])[0] !== size && (config.targetShape as number[])[0] !== -1) throw new PackError(`a Reshape of ${size} values to [${config.targetShape}]`, layer.name);
      shape = [size];
    } else if (type === 'Dropout') {
      // the identity at inference
    } else if (type !== 'Activation' && type !== 'ReLU' && type !== 'Softmax') {
      throw new PackError(`${type} layers are not supported by the runtime`, layer.name);
    }
    if (type === 'ReLU' && config.maxValue !== undefined && config.maxValue !== null) throw new PackError('ReLU with a maximum is not supported', layer.name);
    const act = type === 'ReLU' ? 'relu' : type === 'Softmax' ? 'softmax' : activation;
    if (act === 'relu') layers.push({ type: 'relu' });
    else if (act === 'softmax') layers.push({ type: 'softmax' });
    else if (act !== 'linear') throw new PackError(`activation '${act}' is not supported by the runtime`, layer.name);
  });
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
