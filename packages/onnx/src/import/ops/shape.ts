// Ops that move data without computing: Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Identity
// and Dropout. Transposes only change the recorded layout; reshapes reuse the stored tensor when
// its element order already matches ONNX's.
import * as tfl from '@tensorflow/tfjs-layers';
import { compose, identity, invert, NHWC, samePerm } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type Computed, type ImportContext, unsupported } from '../context';
import { shapeInput } from '../fold';

/** True when the stored tensor lists its elements in ONNX order (the moved axes have size 1). */
function orderMatches(x: Computed, shape: readonly (number | null)[]): boolean {
  if (x.flattened) return x.flattened[2] === 1 || x.flattened[0] * x.flattened[1] === 1;
  const moved = x.perm.filter((axis) => axis !== 0 && shape[axis] !== 1);
  return moved.every((axis, i) => i === 0 || moved[i - 1] < axis);
}

/** The value reshaped to `target` (ONNX order, batch first and unknown). */
function reshapeTo(node: OnnxNode, ctx: ImportContext, x: Computed, target: number[]): Computed {
  const shape = ctx.semanticShape(x);
  const [, c, h, w] = shape as number[];
  if (target.length === 2 && shape.length === 4 && samePerm(x.perm, NHWC) && !orderMatches(x, shape)) {
    // A flatten of channels-last data: keep its order and let the next dense layer reorder its rows.
    return { tensor: ctx.apply(tfl.layers.flatten({ name: ctx.layerName(node) }), x.tensor), perm: [0, 1], flattened: [h, w, c] };
  }
  const tensor = orderMatches(x, shape) ? x.tensor : ctx.stored(x, identity(shape.length), () => ctx.layerName(node, '_onnx_order'));
  const same = tensor.shape.length === target.length && tensor.shape.slice(1).every((d, i) => d === target[i + 1]);
  const out = same ? tensor : ctx.apply(tfl.layers.reshape({ targetShape: target.slice(1), name: ctx.layerName(node) }), tensor);
  return { tensor: out, perm: identity(target.length) };
}

const perSample = (shape: readonly (number | null)[]) => {
  if (shape.slice(1).some((d) => d === null)) unsupported(`input shape [${shape}] has unknown dimensions`);
  return (shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
};

export function convertFlatten(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const axis = attr.int(node, 'axis', 1);
  if (axis !== 1 && axis !== 1 - shape.length) unsupported(`axis ${axis} would mix the batch into the features; only axis 1 is supported`);
  ctx.values.set(node.outputs[0], shape.length === 2 ? x : reshapeTo(node, ctx, x, [-1, perSample(shape)]));
}

export function convertReshape(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['shape', 'allowzero', 'consumed_inputs']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const given = ctx.opset >= 5 ? (shapeInput(ctx, node.inputs[1], 'the shape').values as number[]).map(Number) : attr.ints(node, 'shape');
  if (!given) return unsupported('no shape');
  if (attr.int(node, 'allowzero', 0) && given.includes(0)) unsupported('allowzero=1 with a zero dimension is not supported');
  const dims = given.map((d, i) => (d === 0 ? (i === 0 ? -2 : (shape[i] ?? unsupported(`dimension ${i} copies a dimension the input lacks`))) : d)) as number[];
  // The first dimension must stay the batch: copied (0), inferred (-1) or the declared batch size.
  if (dims[0] !== -2 && dims[0] !== -1 && dims[0] !== ctx.batchSize) unsupported(`shape [${given}] does not keep the batch as its first dimension`);
  const rest = dims.slice(1);
  const count = perSample(shape);
  const known = rest.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (rest.some((d) => d < -1 || !Number.isInteger(d)) || rest.filter((d) => d === -1).length > (dims[0] === -1 ? 0 : 1)) unsupported(`shape [${given}] is not a valid target`);
  const resolved = rest.map((d) => (d === -1 ? count / known : d));
  if (resolved.reduce((a, b) => a * b, 1) !== count || resolved.some((d) => !Number.isInteger(d))) unsupported(`shape [${given}] does not hold the ${count} elements per sample of [${shape}]`);
  ctx.values.set(node.outputs[0], reshapeTo(node, ctx, x, [-1, ...resolved]));
}

const rawAxes = (node: OnnxNode, ctx: ImportContext): number[] | undefined =>
  ctx.opset >= 13 ? (ctx.optionalConstant(node, 1, 'axes')?.values as number[] | undefined)?.map(Number) : attr.ints(node, 'axes');

/** Axes made non-negative for `rank`; the batch axis is refused. */
function normalizedAxes(raw: number[], rank: number): number[] {
  const axes = raw.map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a <= 0 || a >= rank)) unsupported(`axes [${raw}] include the batch or are out of range`);
  return axes;
}

export function convertSqueeze(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axes']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const raw = rawAxes(node, ctx);
  const axes = raw ? normalizedAxes(raw, shape.length) : shape.flatMap((d, i) => (i > 0 && d === 1 ? [i] : []));
  if (axes.some((a) => shape[a] !== 1)) unsupported(`axes [${axes}] of shape [${shape}] are not all 1`);
  ctx.values.set(node.outputs[0], reshapeTo(node, ctx, x, [-1, ...(shape.filter((_, i) => i > 0 && !axes.includes(i)) as number[])]));
}

export function convertUnsqueeze(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axes']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const raw = rawAxes(node, ctx);
  if (!raw) return unsupported('no axes');
  const axes = normalizedAxes(raw, shape.length + raw.length);
  const out: number[] = [-1];
  for (let i = 1, source = 1; i < shape.length + axes.length; i++) out.push(axes.includes(i) ? 1 : (shape[source++] as number));
  ctx.values.set(node.outputs[0], reshapeTo(node, ctx, x, out));
}

export function convertTranspose(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['perm']);
  const x = ctx.value(node.inputs[0]);
  const rank = ctx.semanticShape(x).length;
  const perm = attr.ints(node, 'perm', identity(rank).reverse())!;
  if (perm.length !== rank || [...perm].sort().some((p, i) => p !== i)) unsupported(`perm [${perm}] is not a permutation of rank ${rank}`);
  if (perm[0] !== 0) unsupported(`perm [${perm}] moves the batch axis`);
  const base = x.flattened ? { tensor: ctx.stored(x, [0, 1], () => ctx.layerName(node, '_chw')), perm: [0, 1] } : x;
  // new = old.transpose(perm) and stored = old.transpose(base.perm), so stored = new.transpose(perm^-1 then base.perm).
  ctx.values.set(node.outputs[0], { tensor: base.tensor, perm: compose(invert(perm), base.perm) });
}

export function convertIdentity(node: OnnxNode, ctx: ImportContext): void {
  ctx.values.set(node.outputs[0], ctx.value(node.inputs[0]));
}

/** Dropout stays in the model (it is the identity at inference) so fine-tuning keeps it. */
export function convertDropout(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['ratio', 'is_test', 'seed', 'consumed_inputs']);
  if (node.outputs[1] && ctx.consumers(node.outputs[1]).length) unsupported('the mask output is used');
  const x = ctx.value(node.inputs[0]);
  const ratioInput = ctx.opset >= 12 ? ctx.optionalConstant(node, 1, 'ratio') : undefined;
  const rate = ratioInput ? Number(ratioInput.values[0]) : attr.float(node, 'ratio', 0.5);
  if (!(rate >= 0 && rate < 1)) unsupported(`ratio ${rate} is outside [0, 1)`);
  ctx.values.set(node.outputs[0], rate === 0 ? x : { ...x, tensor: ctx.apply(tfl.layers.dropout({ rate, name: ctx.layerName(node) }), x.tensor) });
}
