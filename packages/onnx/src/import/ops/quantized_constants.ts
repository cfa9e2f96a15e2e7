// DequantizeLinear, QONNX IntQuant (and its old name Quant) and BipolarQuant on constant weights (what export writes): folded
// into float constants, their scales per tensor or per channel (DequantizeLinear's axis, QONNX's
// broadcast scale tensors). On a computed value they are quantized activations (quantized_activations.ts).
import { bipolarQuant, quant, ROUNDING, type PerElement, type RoundingMode } from '../../qonnx_quant';
import type { OnnxNode } from '../../read_model';
import type { ConstTensor } from '../../tensor_data';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';
import { convertActivationBipolarQuant, convertActivationDequantizeLinear, convertActivationQuant, quantizesActivation } from './quantized_activations';

function constants(node: OnnxNode, ctx: ImportContext, count: number): (ConstTensor | undefined)[] {
  return Array.from({ length: count }, (_, i) => (node.inputs[i] ? ctx.constant(node.inputs[i], `input ${i}`) : undefined));
}

const scalar = (c: ConstTensor | undefined, what: string, fallback: number): number => {
  if (!c) return fallback;
  if (c.values.length !== 1) unsupported(`${what} has ${c.values.length} values; a bit width is one`);
  return Number(c.values[0]);
};

/**
 * A parameter broadcast over x (numpy's rules, aligned on the last axis): one value, or each
 * element's from a tensor of x's rank or less whose every axis is 1 or x's.
 */
function broadcast(c: ConstTensor | undefined, dims: number[], what: string, fallback: number): PerElement {
  if (!c || c.values.length === 1) return c ? Number(c.values[0]) : fallback;
  const offset = dims.length - c.dims.length;
  if (offset < 0 || c.dims.some((d, k) => d !== 1 && d !== dims[offset + k])) unsupported(`${what} of shape [${c.dims}] does not broadcast to the weight's [${dims}]`);
  // Each axis's stride in c (0 where c repeats along it).
  const strides = dims.map(() => 0);
  for (let k = c.dims.length - 1, stride = 1; k >= 0; stride *= c.dims[k], k--) strides[offset + k] = c.dims[k] === 1 ? 0 : stride;
  return (i) => {
    let index = 0;
    for (let axis = dims.length - 1, rest = i; axis >= 0; rest = Math.floor(rest / dims[axis]), axis--) index += (rest % dims[axis]) * strides[axis];
    return Number(c.values[index]);
  };
}

/** DequantizeLinear's per-axis form: a 1-D scale (and zero point) along `axis`, as x's shape with 1 elsewhere. */
const alongAxis = (c: ConstTensor | undefined, dims: number[], axis: number): ConstTensor | undefined =>
  c && c.values.length > 1 && c.dims.length === 1 ? { ...c, dims: dims.map((_, k) => (k === axis ? c.dims[0] : 1)) } : c;

export function convertDequantizeLinear(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis', 'block_size']);
  if (quantizesActivation(node, ctx)) return convertActivationDequantizeLinear(node, ctx);
  const [x, scaleTensor, zeroTensor] = constants(node, ctx, 3);
  if (attr.int(node, 'block_size', 0) !== 0) unsupported('blocked quantization (block_size) is not supported');
  const dims = x!.dims;
  const axis = attr.int(node, 'axis', 1);
  const normalized = axis < 0 ? axis + dims.length : axis;
  const scale = broadcast(alongAxis(scaleTensor, dims, normalized), dims, 'x_scale', 1);
  const zero = broadcast(alongAxis(zeroTensor, dims, normalized), dims, 'x_zero_point', 0);
  const of = (p: PerElement, i: number) => (typeof p === 'number' ? p : p(i));
  ctx.constants.set(node.outputs[0], { dims, values: Float32Array.from(x!.values, (v, i) => (Number(v) - of(zero, i)) * of(scale, i)) });
}

export function convertQuant(node: OnnxNode, ctx: ImportContext): void {
  if (quantizesActivation(node, ctx)) return convertActivationQuant(node, ctx);
  checkAttributes(node, ['signed', 'narrow', 'rounding_mode']);
  const [x, scale, zero, bits] = constants(node, ctx, 4);
  // The spec accepts the mode names in either case.
  const roundingMode = attr.string(node, 'rounding_mode', 'ROUND').toUpperCase() as RoundingMode;
  if (!(roundingMode in ROUNDING)) unsupported(`rounding_mode ${roundingMode} is not supported (${Object.keys(ROUNDING).join(', ')})`);
  const values = quant(x!.values, broadcast(scale, x!.dims, 'scale', 1), broadcast(zero, x!.dims, 'zeropt', 0), scalar(bits, 'bitwidth', 8), {
    signed: attr.int(node, 'signed', 1) === 1,
    narrow: attr.int(node, 'narrow', 0) === 1,
    roundingMode,
  });
  ctx.constants.set(node.outputs[0], { dims: x!.dims, values });
}

export function convertBipolarQuant(node: OnnxNode, ctx: ImportContext): void {
  if (quantizesActivation(node, ctx)) return convertActivationBipolarQuant(node, ctx);
  checkAttributes(node, []);
  const [x, scale] = constants(node, ctx, 2);
  ctx.constants.set(node.outputs[0], { dims: x!.dims, values: bipolarQuant(x!.values, broadcast(scale, x!.dims, 'scale', 1)) });
}
