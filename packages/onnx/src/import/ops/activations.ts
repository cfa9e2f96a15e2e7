// Activations. Elementwise ones keep their input's layout; Softmax and LogSoftmax need their axis
// stored last.
import * as tfl from '@tensorflow/tfjs-layers';
import { ElementwiseFunction } from '../../layers/elementwise_function';
import { identity, permuteShape } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type Computed, type ImportContext, unsupported } from '../context';

const FLOAT_MAX = 3.4028234663852886e38;

/** Applies a layer that works elementwise, in whatever layout the input is stored. */
function elementwise(node: OnnxNode, ctx: ImportContext, layer: tfl.layers.Layer): void {
  const x = ctx.value(node.inputs[0]);
  const out: Computed = { ...x, tensor: ctx.apply(layer, x.tensor) };
  ctx.values.set(node.outputs[0], out);
}

const simple = (activation: 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'softsign') => (node: OnnxNode, ctx: ImportContext) => {
  checkAttributes(node, ['consumed_inputs']);
  elementwise(node, ctx, tfl.layers.activation({ activation, name: ctx.layerName(node) }));
};

export const convertRelu = simple('relu');
export const convertSigmoid = simple('sigmoid');
export const convertTanh = simple('tanh');
export const convertSoftplus = simple('softplus');
export const convertSoftsign = simple('softsign');

export function convertLeakyRelu(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['alpha', 'consumed_inputs']);
  elementwise(node, ctx, tfl.layers.leakyReLU({ alpha: attr.float(node, 'alpha', 0.01), name: ctx.layerName(node) }));
}

export function convertElu(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['alpha', 'consumed_inputs']);
  const alpha = attr.float(node, 'alpha', 1);
  const name = ctx.layerName(node);
  // TF.js's ELU layer only has alpha = 1.
  elementwise(node, ctx, alpha === 1 ? tfl.layers.elu({ name }) : new ElementwiseFunction({ fn: 'elu', alpha, name }));
}

export function convertHardSigmoid(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['alpha', 'beta', 'consumed_inputs']);
  const alpha = attr.float(node, 'alpha', 0.2);
  const beta = attr.float(node, 'beta', 0.5);
  elementwise(node, ctx, new ElementwiseFunction({ fn: 'hardSigmoid', alpha, beta, name: ctx.layerName(node) }));
}

/** HardSwish (opset 14): x * HardSigmoid(x) with alpha 1/6 and beta 0.5. */
export function convertHardSwish(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  elementwise(node, ctx, new ElementwiseFunction({ fn: 'hardSwish', name: ctx.layerName(node) }));
}

export function convertClip(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['min', 'max', 'consumed_inputs']);
  const bound = (index: number, name: string, fallback: number) => {
    const c = ctx.opset >= 11 ? ctx.optionalConstant(node, index, name) : undefined;
    if (c && c.values.length !== 1) unsupported(`${name} must be a scalar`);
    return c ? Number(c.values[0]) : attr.float(node, name, fallback);
  };
  const min = bound(1, 'min', -FLOAT_MAX);
  const max = bound(2, 'max', FLOAT_MAX);
  const name = ctx.layerName(node);
  const layer =
    min === 0 ? tfl.layers.reLU({ maxValue: max >= FLOAT_MAX ? undefined : max, name }) : new ElementwiseFunction({ fn: 'clip', min, max, name });
  elementwise(node, ctx, layer);
}

export function convertPRelu(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x) as number[];
  const slope = ctx.constant(node.inputs[1], 'the slope');
  const rank = shape.length;
  // The slope broadcasts against [batch, ...]: align it right, then store it like the input.
  const aligned = [...new Array(rank - slope.dims.length).fill(1), ...slope.dims];
  if (aligned[0] !== 1 || aligned.some((d, i) => d !== 1 && d !== shape[i])) unsupported(`slope [${slope.dims}] does not broadcast to the input [${shape}]`);
  const tensor = x.flattened ? ctx.stored(x, identity(2), () => ctx.layerName(node, '_chw')) : x.tensor;
  const perm = x.flattened ? identity(2) : x.perm;
  const storedSlope = permuteShape(aligned, perm).slice(1);
  const storedShape = permuteShape(shape, perm).slice(1);
  const sharedAxes = storedSlope.flatMap((d, i) => (d === 1 && storedShape[i] !== 1 ? [i + 1] : []));
  const layer = tfl.layers.prelu({ sharedAxes: sharedAxes.length ? sharedAxes : undefined, name: ctx.layerName(node) });
  const alphaShape = storedShape.map((d, i) => (sharedAxes.includes(i + 1) ? 1 : d));
  const values = slopeInLayout(slope.values, aligned, perm, alphaShape);
  ctx.values.set(node.outputs[0], { tensor: ctx.applyWithWeights(layer, tensor, [{ values, shape: alphaShape }]), perm });
}

/** Slope values broadcast to the PReLU alpha shape, in stored order. */
function slopeInLayout(values: ArrayLike<number>, aligned: number[], perm: readonly number[], alphaShape: number[]): Float32Array {
  const storedAligned = permuteShape(aligned, perm).slice(1);
  const semanticStrides = new Array<number>(aligned.length);
  for (let i = aligned.length - 1, s = 1; i >= 0; i--) {
    semanticStrides[i] = aligned[i] === 1 ? 0 : s;
    s *= aligned[i];
  }
  const storedStrides = permuteShape(semanticStrides, perm).slice(1);
  const count = alphaShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  for (let o = 0; o < count; o++) {
    let rest = o;
    let source = 0;
    for (let i = alphaShape.length - 1; i >= 0; i--) {
      const index = rest % alphaShape[i];
      rest = Math.floor(rest / alphaShape[i]);
      if (storedAligned[i] !== 1) source += index * storedStrides[i];
    }
    out[o] = values[source];
  }
  return out;
}

/** Softmax or LogSoftmax over one axis, which must end up stored last. */
function overAxis(node: OnnxNode, ctx: ImportContext, make: (name: string) => tfl.layers.Layer): void {
  checkAttributes(node, ['axis']);
  const x = ctx.value(node.inputs[0]);
  const rank = ctx.semanticShape(x).length;
  const given = attr.int(node, 'axis', ctx.opset >= 13 ? -1 : 1);
  const axis = given < 0 ? given + rank : given;
  // Before opset 13 the op works on the input flattened from `axis`: the same when axis is the last one.
  if (ctx.opset < 13 && axis !== rank - 1 && ctx.semanticShape(x).slice(axis + 1).some((d) => d !== 1)) {
    unsupported(`axis ${given} on a rank-${rank} input (opset ${ctx.opset} flattens from the axis) is not supported`);
  }
  if (axis <= 0 || axis >= rank) unsupported(`axis ${given} is out of range for rank ${rank}`);
  const perm = x.flattened ? identity(2) : x.perm;
  if (perm[rank - 1] === axis) {
    const tensor = x.flattened ? ctx.stored(x, perm, () => ctx.layerName(node, '_chw')) : x.tensor;
    ctx.values.set(node.outputs[0], { tensor: ctx.apply(make(ctx.layerName(node)), tensor), perm });
    return;
  }
  const last = [...identity(rank).filter((a) => a !== axis), axis];
  const tensor = ctx.stored(x, last, () => ctx.layerName(node, '_axis_last'));
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(make(ctx.layerName(node)), tensor), perm: last });
}

export const convertSoftmax = (node: OnnxNode, ctx: ImportContext) =>
  overAxis(node, ctx, (name) => tfl.layers.activation({ activation: 'softmax', name }));
export const convertLogSoftmax = (node: OnnxNode, ctx: ImportContext) => overAxis(node, ctx, (name) => new ElementwiseFunction({ fn: 'logSoftmax', name }));
