// DequantizeLinear, QONNX IntQuant (and its old name Quant) and BipolarQuant on constant weights (what export writes): folded
// into float constants. Quantized activations are not imported.
import { bipolarQuant, quant, ROUNDING, type RoundingMode } from '../../qonnx_quant';
import type { OnnxNode } from '../../read_model';
import type { ConstTensor } from '../../tensor_data';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

function constants(node: OnnxNode, ctx: ImportContext, count: number): (ConstTensor | undefined)[] {
  if (!ctx.isConstant(node.inputs[0])) unsupported('quantized activations are not supported; only constant weights');
  return Array.from({ length: count }, (_, i) => (node.inputs[i] ? ctx.constant(node.inputs[i], `input ${i}`) : undefined));
}

const scalar = (c: ConstTensor | undefined, what: string, fallback: number): number => {
  if (!c) return fallback;
  if (c.values.length !== 1) unsupported(`${what} has ${c.values.length} values; only per-tensor quantization is supported`);
  return Number(c.values[0]);
};

export function convertDequantizeLinear(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis', 'block_size']);
  const [x, scaleTensor, zeroTensor] = constants(node, ctx, 3);
  const scale = scalar(scaleTensor, 'x_scale', 1);
  const zero = scalar(zeroTensor, 'x_zero_point', 0);
  ctx.constants.set(node.outputs[0], { dims: x!.dims, values: Float32Array.from(x!.values, (v) => (Number(v) - zero) * scale) });
}

export function convertQuant(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['signed', 'narrow', 'rounding_mode']);
  const [x, scale, zero, bits] = constants(node, ctx, 4);
  // The spec accepts the mode names in either case.
  const roundingMode = attr.string(node, 'rounding_mode', 'ROUND').toUpperCase() as RoundingMode;
  if (!(roundingMode in ROUNDING)) unsupported(`rounding_mode ${roundingMode} is not supported (${Object.keys(ROUNDING).join(', ')})`);
  const values = quant(x!.values, scalar(scale, 'scale', 1), scalar(zero, 'zeropt', 0), scalar(bits, 'bitwidth', 8), {
    signed: attr.int(node, 'signed', 1) === 1,
    narrow: attr.int(node, 'narrow', 0) === 1,
    roundingMode,
  });
  ctx.constants.set(node.outputs[0], { dims: x!.dims, values });
}

export function convertBipolarQuant(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  const [x, scale] = constants(node, ctx, 2);
  ctx.constants.set(node.outputs[0], { dims: x!.dims, values: bipolarQuant(x!.values, scalar(scale, 'scale', 1)) });
}
