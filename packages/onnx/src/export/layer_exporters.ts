// One exporter per TF.js layer class: emits the ONNX nodes and returns the layer's output value.
import { float, type QuantizedActivation } from '@sparse-ternary/engine';
import { weightLayerOf, WEIGHT_LAYER_KINDS, type LayerKind } from '@sparse-ternary/hw-cost';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ExportError } from '../errors';
import { ARITHMETIC, type ArithmeticOp } from '../layers/arithmetic_ops';
import { REDUCTIONS, type ReduceOp } from '../layers/reduce';
import { compose, identity, invert, NHWC, permuteShape, reorderFlattenedRows, transposeFloats, withoutAxes } from '../layout';
import { samePads, type Pads } from '../spatial_padding';
import { exportActivation } from './activation';
import { exportGelu } from './gelu';
import { exportLayerNormalization } from './layer_norm';
import { exportQuantizedActivation } from './quantized_activation';
import type { ExportContext, Exported } from './export_context';

export interface LayerExport {
  layer: tfl.layers.Layer;
  inputs: Exported[];
  /** TF.js shape of the layer's output. */
  outputShape: (number | null)[];
  /** Whether every reader of the output is a dense layer (a Flatten may then leave the data channels-first). */
  readByDenseOnly: boolean;
}

type Exporter = (ctx: ExportContext, job: LayerExport) => Exported;

type Config = Record<string, unknown>;

/** A layer's weight by its short name (kernel, bias, gamma, ...), read as float32. */
function findWeight(layer: tfl.layers.Layer, key: string): { values: Float32Array; shape: number[] } | undefined {
  const variable = layer.weights.find((w) => w.originalName.split('/').pop()!.replace(/_\d+$/, '') === key);
  return variable && { values: variable.read().dataSync() as Float32Array, shape: variable.shape as number[] };
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);

function windowPads(layer: tfl.layers.Layer, config: Config, shape: (number | null)[], kernel: [number, number], strides: [number, number], dilations: [number, number]): Pads {
  if (config.padding === 'valid') return [0, 0, 0, 0];
  if (config.padding !== 'same') throw new ExportError(`padding '${config.padding}' has no ONNX export`, layer.name);
  return samePads([shape[1] as number, shape[2] as number], { kernel, strides, dilations });
}

function channelsLastOnly(layer: tfl.layers.Layer, config: Config): void {
  if (config.dataFormat && config.dataFormat !== 'channelsLast') throw new ExportError(`dataFormat '${config.dataFormat}' is not supported`, layer.name);
}

/** The kernel of a weight layer (@sparse-ternary/hw-cost's list) as values and shape. */
function kernelOf(layer: tfl.layers.Layer): { values: Float32Array; shape: number[]; kind: LayerKind } {
  const ref = weightLayerOf(layer);
  if (!ref) throw new ExportError('not a weight layer', layer.name);
  return { values: ref.kernel.read().dataSync() as Float32Array, shape: ref.kernel.shape as number[], kind: ref.kind };
}

const dense: Exporter = (ctx, { layer, inputs: [x] }) => {
  const config = layer.getConfig();
  const kernel = kernelOf(layer);
  const [inputs, units] = kernel.shape;
  if (x.shape.length !== 2) throw new ExportError(`input of rank ${x.shape.length}; only [batch, features] is exported`, layer.name);
  const rows = x.flattened ? reorderFlattenedRows(kernel.values, x.flattened, units, true) : kernel.values;
  const input = x.flattened ? x.name : ctx.as(x, [0, 1], layer.name);
  // [units, inputs] with transB=1, as PyTorch writes Linear. It also keeps onnxruntime from
  // turning DequantizeLinear + Gemm into a matmul with 8-bit dynamically quantized activations.
  const w = ctx.weight(layer.name, transposeFloats(rows, [inputs, units], [1, 0]), [units, inputs]);
  const bias = findWeight(layer, 'bias');
  const args = [input, w, ...(bias ? [ctx.floatConstant(`${layer.name}.bias`, bias.values, [units])] : [])];
  const out: Exported = { name: ctx.builder.op('Gemm', args, { transB: 1 }, { name: layer.name }), perm: [0, 1], shape: [null, units] };
  return exportActivation(ctx, config.activation as string, out, layer.name);
};

/** Conv2D, DepthwiseConv2D and grouped convolutions, as one ONNX Conv. */
const convolution: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const config = layer.getConfig();
  channelsLastOnly(layer, config);
  const kernel = kernelOf(layer);
  const depthwise = kernel.kind === 'depthwise';
  const [kh, kw, inChannels, last] = kernel.shape;
  const strides = pair(config.strides);
  const dilations = pair(config.dilationRate ?? 1);
  const pads = windowPads(layer, config, x.shape, [kh, kw], strides, dilations);
  const filters = depthwise ? inChannels * last : last;
  // [kh, kw, in, out] -> [out, in, kh, kw]; depthwise [kh, kw, c, m] -> [c*m, 1, kh, kw] (same order as [c, m, kh, kw]).
  const values = transposeFloats(kernel.values, kernel.shape, depthwise ? [2, 3, 0, 1] : [3, 2, 0, 1]);
  const w = ctx.weight(layer.name, values, depthwise ? [filters, 1, kh, kw] : [filters, inChannels, kh, kw]);
  const bias = findWeight(layer, 'bias');
  const args = [ctx.as(x, NHWC, layer.name), w, ...(bias ? [ctx.floatConstant(`${layer.name}.bias`, bias.values, [filters])] : [])];
  const attrs = { kernel_shape: [kh, kw], strides, dilations, pads, group: depthwise ? inChannels : ((config.groups as number | undefined) ?? 1) };
  const out: Exported = { name: ctx.builder.op('Conv', args, attrs, { name: layer.name }), perm: NHWC, shape: outputShape };
  return exportActivation(ctx, config.activation as string, out, layer.name);
};

/** Conv2DTranspose as ConvTranspose: 'valid' (what import makes, cropping after it) or TF.js's 'same'. */
const transposedConvolution: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const config = layer.getConfig();
  channelsLastOnly(layer, config);
  if (pair(config.dilationRate ?? 1).some((d) => d !== 1)) throw new ExportError('dilated transposed convolutions are not exported', layer.name);
  const kernel = kernelOf(layer);
  const [kh, kw, filters, inChannels] = kernel.shape;
  const strides = pair(config.strides);
  // TF.js's 'same' makes input * stride pixels: the full output cropped by kernel - stride (the
  // first half before), or extended by output_padding where the kernel is smaller than the stride.
  const same = (k: number, s: number) => (config.padding === 'same' ? k - s : 0);
  const [totalH, totalW] = [same(kh, strides[0]), same(kw, strides[1])];
  const pads = [Math.floor(Math.max(totalH, 0) / 2), Math.floor(Math.max(totalW, 0) / 2), Math.ceil(Math.max(totalH, 0) / 2), Math.ceil(Math.max(totalW, 0) / 2)];
  const outputPadding = [Math.max(-totalH, 0), Math.max(-totalW, 0)];
  // [kh, kw, out, in] -> [in, out, kh, kw]
  // Its output channels are the second axis.
  const w = ctx.weight(layer.name, transposeFloats(kernel.values, kernel.shape, [3, 2, 0, 1]), [inChannels, filters, kh, kw], true, 1);
  const bias = findWeight(layer, 'bias');
  const args = [ctx.as(x, NHWC, layer.name), w, ...(bias ? [ctx.floatConstant(`${layer.name}.bias`, bias.values, [filters])] : [])];
  const attrs = { kernel_shape: [kh, kw], strides, pads, ...(outputPadding.some((p) => p > 0) ? { output_padding: outputPadding } : {}) };
  const out: Exported = { name: ctx.builder.op('ConvTranspose', args, attrs, { name: layer.name }), perm: NHWC, shape: outputShape };
  return exportActivation(ctx, config.activation as string, out, layer.name);
};

const WEIGHT_LAYER_EXPORTERS: Readonly<Record<LayerKind, Exporter>> = { dense, conv: convolution, depthwise: convolution, transposedConv: transposedConvolution };

/** Cropping2D as a Slice of the height and width. */
const cropping: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const [[top, bottom], [left, right]] = layer.getConfig().cropping as [[number, number], [number, number]];
  const [h, w] = [x.shape[1] as number, x.shape[2] as number];
  const b = ctx.builder;
  const args = [x.name, b.constInt64([top, left]), b.constInt64([h - bottom, w - right]), b.constInt64([x.perm[1], x.perm[2]])];
  return { name: b.op('Slice', args, {}, { name: layer.name }), perm: x.perm, shape: outputShape };
};

const batchNorm: Exporter = (ctx, { layer, inputs: [x] }) => {
  const config = layer.getConfig();
  const rank = x.shape.length;
  const axis = (config.axis as number | undefined) ?? -1;
  if (axis !== -1 && axis !== rank - 1) throw new ExportError(`axis ${axis}; only the last (channel) axis is exported`, layer.name);
  const channels = x.shape[rank - 1] as number;
  // ONNX normalizes axis 1: store the channel axis last so that it is ONNX's axis 1.
  const perm = rank === 4 ? NHWC : identity(rank);
  if (rank !== 2 && rank !== 4) throw new ExportError(`input of rank ${rank} is not exported`, layer.name);
  const param = (key: string, fallback: number) => findWeight(layer, key)?.values ?? new Float32Array(channels).fill(fallback);
  const args = [
    ctx.as(x, perm, layer.name),
    ctx.floatConstant(`${layer.name}.scale`, param('gamma', 1), [channels]),
    ctx.floatConstant(`${layer.name}.bias`, param('beta', 0), [channels]),
    ctx.floatConstant(`${layer.name}.mean`, param('moving_mean', 0), [channels]),
    ctx.floatConstant(`${layer.name}.var`, param('moving_variance', 1), [channels]),
  ];
  const attrs = { epsilon: float((config.epsilon as number) ?? 1e-3), momentum: float((config.momentum as number) ?? 0.99) };
  return { name: ctx.builder.op('BatchNormalization', args, attrs, { name: layer.name }), perm, shape: x.shape };
};

function pool(ctx: ExportContext, { layer, inputs: [x], outputShape }: LayerExport, type: 'MaxPool' | 'AveragePool'): Exported {
  const config = layer.getConfig();
  channelsLastOnly(layer, config);
  const kernel = pair(config.poolSize);
  const strides = pair(config.strides ?? config.poolSize);
  const pads = windowPads(layer, config, x.shape, kernel, strides, [1, 1]);
  const attrs = { kernel_shape: kernel, strides, pads, ...(type === 'AveragePool' ? { count_include_pad: 0 } : {}) };
  return { name: ctx.builder.op(type, [ctx.as(x, NHWC, layer.name)], attrs, { name: layer.name }), perm: NHWC, shape: outputShape };
}

function globalPool(ctx: ExportContext, { layer, inputs: [x], outputShape }: LayerExport, type: 'GlobalMaxPool' | 'GlobalAveragePool'): Exported {
  channelsLastOnly(layer, layer.getConfig());
  const pooled = ctx.builder.op(type, [ctx.as(x, NHWC, layer.name)], {}, { name: layer.name });
  return { name: ctx.builder.op('Flatten', [pooled], { axis: 1 }), perm: [0, 1], shape: outputShape };
}

const flatten: Exporter = (ctx, { layer, inputs: [x], outputShape, readByDenseOnly }) => {
  if (x.shape.length === 2) return x;
  const [, h, w, c] = x.shape as number[];
  const name = `${layer.name}`;
  if (x.shape.length === 4 && x.perm.every((p, i) => p === NHWC[i])) {
    // ONNX flattens channels-first: the same order when h*w or c is 1, else dense readers reorder their rows.
    const sameOrder = h * w === 1 || c === 1;
    if (sameOrder || readByDenseOnly) {
      return { name: ctx.builder.op('Flatten', [x.name], { axis: 1 }, { name }), perm: [0, 1], shape: outputShape, flattened: sameOrder ? undefined : [h, w, c] };
    }
  }
  return { name: ctx.builder.op('Flatten', [ctx.as(x, identity(x.shape.length), layer.name)], { axis: 1 }, { name }), perm: [0, 1], shape: outputShape };
};

const reshape: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const target = (layer.getConfig().targetShape as number[]).map((d) => d ?? -1);
  const shape = ctx.builder.constInt64([0, ...target]);
  const out = ctx.builder.op('Reshape', [ctx.as(x, identity(x.shape.length), layer.name), shape], {}, { name: layer.name });
  return { name: out, perm: identity(outputShape.length), shape: outputShape };
};

/** Permute only changes the recorded layout. */
const permute: Exporter = (_ctx, { layer, inputs: [x], outputShape }) => {
  if (x.flattened) throw new ExportError('permutes a flattened tensor', layer.name);
  return { ...x, perm: compose(x.perm, [0, ...(layer.getConfig().dims as number[])]), shape: outputShape };
};

const passThrough: Exporter = (_ctx, { inputs: [x] }) => x;

function spatialPad(ctx: ExportContext, job: LayerExport, value: number): Exported {
  const { layer, inputs: [x], outputShape } = job;
  const [[top, bottom], [left, right]] = layer.getConfig().padding as [[number, number], [number, number]];
  const pads = ctx.builder.constInt64([0, 0, top, left, 0, 0, bottom, right]);
  const args = [ctx.as(x, NHWC, layer.name), pads, ...(value !== 0 ? [ctx.floatConstant(`${layer.name}.value`, [value], [])] : [])];
  return { name: ctx.builder.op('Pad', args, { mode: 'constant' }, { name: layer.name }), perm: NHWC, shape: outputShape };
}

function merge(ctx: ExportContext, { layer, inputs, outputShape }: LayerExport, type: (typeof ARITHMETIC)[ArithmeticOp]['onnx'] | 'Concat'): Exported {
  const perm = inputs[0].flattened ? identity(2) : inputs[0].perm;
  const names = inputs.map((v) => ctx.as(v, perm, layer.name));
  if (type === 'Concat') {
    const rank = outputShape.length;
    const axis = layer.getConfig().axis as number;
    const stored = axis < 0 ? axis + rank : axis;
    return { name: ctx.builder.op('Concat', names, { axis: perm[stored] }, { name: layer.name }), perm, shape: outputShape };
  }
  const name = names.slice(1).reduce((acc, next, i) => ctx.builder.op(type, [acc, next], {}, { name: i === names.length - 2 ? layer.name : `${layer.name}.${i}` }), names[0]);
  return { name, perm, shape: outputShape };
}

const activation: Exporter = (ctx, { layer, inputs: [x] }) => exportActivation(ctx, layer.getConfig().activation as string, x, layer.name);

const relu: Exporter = (ctx, { layer, inputs: [x] }) => {
  const max = layer.getConfig().maxValue as number | undefined;
  if (max === undefined || max === null) return exportActivation(ctx, 'relu', x, layer.name);
  const bounds = [ctx.floatConstant(`${layer.name}.min`, [0], []), ctx.floatConstant(`${layer.name}.max`, [max], [])];
  return { ...x, name: ctx.builder.op('Clip', [x.name, ...bounds], {}, { name: layer.name }) };
};

const withAlpha = (type: 'LeakyRelu' | 'Elu'): Exporter => (ctx, { layer, inputs: [x] }) => ({
  ...x,
  name: ctx.builder.op(type, [x.name], { alpha: float(layer.getConfig().alpha as number) }, { name: layer.name }),
});

const prelu: Exporter = (ctx, { layer, inputs: [x] }) => {
  const alpha = findWeight(layer, 'alpha')!;
  // alpha is stored like the input without the batch; ONNX wants it in ONNX order, right-aligned.
  const stored = [1, ...alpha.shape];
  const values = transposeFloats(alpha.values, stored, invert(x.perm));
  const dims = permuteShape(stored, invert(x.perm)).slice(1);
  return { ...x, name: ctx.builder.op('PRelu', [x.name, ctx.floatConstant(`${layer.name}.slope`, values, dims)], {}, { name: layer.name }) };
};

const softmax: Exporter = (ctx, { layer, inputs: [x] }) => {
  const axis = (layer.getConfig().axis as number | undefined) ?? -1;
  const rank = x.shape.length;
  return { ...x, name: ctx.builder.op('Softmax', [x.name], { axis: x.perm[axis < 0 ? axis + rank : axis] }, { name: layer.name }) };
};

const constantArithmetic: Exporter = (ctx, { layer, inputs: [x] }) => {
  const config = layer.getConfig();
  const constant = findWeight(layer, 'constant')!;
  const values = transposeFloats(constant.values, constant.shape, invert(x.perm));
  const c = ctx.floatConstant(`${layer.name}.constant`, values, permuteShape(constant.shape, invert(x.perm)));
  const type = ARITHMETIC[config.op as ArithmeticOp].onnx;
  const args = config.constantFirst ? [c, x.name] : [x.name, c];
  return { ...x, name: ctx.builder.op(type, args, {}, { name: layer.name }) };
};

const elementwiseFunction: Exporter = (ctx, { layer, inputs: [x] }) => {
  const config = layer.getConfig();
  const b = ctx.builder;
  if (config.fn === 'clip') {
    const bounds = [ctx.floatConstant(`${layer.name}.min`, [config.min as number], []), ctx.floatConstant(`${layer.name}.max`, [config.max as number], [])];
    return { ...x, name: b.op('Clip', [x.name, ...bounds], {}, { name: layer.name }) };
  }
  if (config.fn === 'hardSwish') {
    // HardSwish is opset 14; the export opset (13) writes it as x * HardSigmoid(x).
    const gate = b.op('HardSigmoid', [x.name], { alpha: float(1 / 6), beta: float(0.5) }, { name: `${layer.name}.gate` });
    return { ...x, name: b.op('Mul', [x.name, gate], {}, { name: layer.name }) };
  }
  if (config.fn === 'elu') return { ...x, name: b.op('Elu', [x.name], { alpha: float(config.alpha as number) }, { name: layer.name }) };
  if (config.fn === 'hardSigmoid') {
    return { ...x, name: b.op('HardSigmoid', [x.name], { alpha: float(config.alpha as number), beta: float(config.beta as number) }, { name: layer.name }) };
  }
  return { ...x, name: b.op('LogSoftmax', [x.name], { axis: x.perm[x.perm.length - 1] }, { name: layer.name }) };
};

const reduce: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const { op, axes, keepDims } = layer.getConfig() as { op: ReduceOp; axes: number[]; keepDims: boolean };
  const semantic = axes.map((a) => x.perm[a]);
  const perm = keepDims ? x.perm : withoutAxes(x.perm, semantic);
  const type = REDUCTIONS[op].onnx;
  // The export opset (13) takes ReduceSum's axes as an input and the others' as an attribute.
  const inputs = type === 'ReduceSum' ? [x.name, ctx.builder.constInt64(semantic)] : [x.name];
  const attrs = { keepdims: keepDims ? 1 : 0, ...(type === 'ReduceSum' ? {} : { axes: semantic }) };
  return { name: ctx.builder.op(type, inputs, attrs, { name: layer.name }), perm, shape: outputShape };
};

const slice: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const { begin, size } = layer.getConfig() as { begin: number[]; size: number[] };
  const axes = begin.map((_, i) => x.perm[i + 1]);
  const b = ctx.builder;
  const args = [x.name, b.constInt64(begin), b.constInt64(begin.map((start, i) => start + size[i])), b.constInt64(axes)];
  return { name: b.op('Slice', args, {}, { name: layer.name }), perm: x.perm, shape: outputShape };
};

const unaryMath: Exporter = (ctx, { layer, inputs: [x] }) => {
  const { op, exponent } = layer.getConfig() as { op: string; exponent: number };
  if (op === 'Gelu' || op === 'GeluTanh') return { ...x, name: exportGelu(ctx, x.name, op === 'GeluTanh', layer.name) };
  const args = op === 'Pow' ? [x.name, ctx.floatConstant(`${layer.name}.exponent`, [exponent], [])] : [x.name];
  return { ...x, name: ctx.builder.op(op, args, {}, { name: layer.name }) };
};

const resize: Exporter = (ctx, { layer, inputs: [x], outputShape }) => {
  const { size, method, coordinates } = layer.getConfig() as { size: [number, number]; method: string; coordinates: string };
  const b = ctx.builder;
  const input = ctx.as(x, NHWC, layer.name);
  // Exact sizes (scales would round), with the batch and channels read from the input: the batch is dynamic.
  const batchAndChannels = b.op('Slice', [b.op('Shape', [input]), b.constInt64([0]), b.constInt64([2])]);
  const sizes = b.op('Concat', [batchAndChannels, b.constInt64(size)], { axis: 0 });
  const attrs = { mode: method === 'nearest' ? 'nearest' : 'linear', coordinate_transformation_mode: coordinates, ...(method === 'nearest' ? { nearest_mode: 'floor' } : {}) };
  return { name: b.op('Resize', [input, '', '', sizes], attrs, { name: layer.name }), perm: NHWC, shape: outputShape };
};

const layerNormalization: Exporter = (ctx, { layer, inputs: [x] }) => ({ ...x, name: exportLayerNormalization(ctx, layer, x, (key) => findWeight(layer, key)) });

export const LAYER_EXPORTERS: Readonly<Record<string, Exporter>> = {
  ...Object.fromEntries(Object.entries(WEIGHT_LAYER_KINDS).map(([className, kind]) => [className, WEIGHT_LAYER_EXPORTERS[kind]])),
  BatchNormalization: batchNorm,
  FusedBatchNormalization: batchNorm,
  LayerNormalization: layerNormalization,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: withAlpha('LeakyRelu'),
  ELU: withAlpha('Elu'),
  PReLU: prelu,
  Softmax: softmax,
  MaxPooling2D: (ctx, job) => pool(ctx, job, 'MaxPool'),
  AveragePooling2D: (ctx, job) => pool(ctx, job, 'AveragePool'),
  GlobalMaxPooling2D: (ctx, job) => globalPool(ctx, job, 'GlobalMaxPool'),
  GlobalAveragePooling2D: (ctx, job) => globalPool(ctx, job, 'GlobalAveragePool'),
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  Dropout: passThrough,
  SpatialDropout2D: passThrough,
  GaussianNoise: passThrough,
  GaussianDropout: passThrough,
  ZeroPadding2D: (ctx, job) => spatialPad(ctx, job, 0),
  Cropping2D: cropping,
  SparseTernaryConstantPadding2D: (ctx, job) => spatialPad(ctx, job, job.layer.getConfig().value as number),
  Add: (ctx, job) => merge(ctx, job, 'Add'),
  Multiply: (ctx, job) => merge(ctx, job, 'Mul'),
  Concatenate: (ctx, job) => merge(ctx, job, 'Concat'),
  SparseTernaryConstantArithmetic: constantArithmetic,
  SparseTernaryBroadcastArithmetic: (ctx, job) => merge(ctx, job, ARITHMETIC[job.layer.getConfig().op as ArithmeticOp].onnx),
  SparseTernaryElementwiseFunction: elementwiseFunction,
  SparseTernaryReduce: reduce,
  SparseTernarySlice: slice,
  SparseTernaryUnaryMath: unaryMath,
  SparseTernaryResize: resize,
  SparseTernaryQuantizedActivation: (ctx, { layer, inputs: [x] }) => exportQuantizedActivation(ctx, layer as QuantizedActivation, x),
};
