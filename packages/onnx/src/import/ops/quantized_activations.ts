// Quantized activations (what export writes, and FINN's QONNX forms), each a QuantizedActivation:
// QONNX Quant on a computed value (unsigned, or signed narrow; zero point 0; round half to even),
// BipolarQuant with scale 1, QuantizeLinear then DequantizeLinear with zero point 0 (8-bit codes; a
// Clip before them, imported as a layer of its own, holds them to fewer levels), and the sign as
// Where(x >= 0, 1, -1). The value between the two nodes of a pair is pending: only its second node reads it.
import { positiveSteps, quantizedActivation, type ActivationQuantization } from '@sparse-ternary/engine';
import { DataType } from '../../proto';
import type { OnnxNode } from '../../read_model';
import type { ConstTensor } from '../../tensor_data';
import { attr, checkAttributes, type Computed, type ImportContext, unsupported } from '../context';

const scalarOf = (c: ConstTensor, what: string): number => {
  if (c.values.length !== 1) unsupported(`${what} has ${c.values.length} values; a quantized activation has one per tensor`);
  return Number(c.values[0]);
};

/** The node's constant scalar inputs after its first, by their names in the op's spec. */
const scalarInputs = (node: OnnxNode, ctx: ImportContext, names: string[]): number[] => names.map((what, i) => scalarOf(ctx.constant(node.inputs[i + 1], what), what));

/** The node's input through a QuantizedActivation, in the input's layout. */
function quantized(node: OnnxNode, ctx: ImportContext, q: Omit<ActivationQuantization, 'range'>): Computed {
  const x = ctx.value(node.inputs[0]);
  return { ...x, tensor: ctx.apply(quantizedActivation({ ...q, range: 'fixed', name: ctx.layerName(node) }), x.tensor) };
}

export function convertActivationQuant(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['signed', 'narrow', 'rounding_mode']);
  const [scale, zero, bits] = scalarInputs(node, ctx, ['scale', 'zeropt', 'bitwidth']);
  const signed = attr.int(node, 'signed', 1) === 1;
  const narrow = attr.int(node, 'narrow', 0) === 1;
  if (attr.string(node, 'rounding_mode', 'ROUND').toUpperCase() !== 'ROUND') unsupported('a quantized activation rounds half to even (rounding_mode ROUND)');
  if (zero !== 0) unsupported(`a quantized activation's zero point is 0, not ${zero}`);
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) unsupported(`a quantized activation has 2 to 8 bits, not ${bits}`);
  if (signed !== narrow) unsupported(signed ? 'a signed activation quantizer is narrow (levels symmetric about 0): narrow=1' : 'an unsigned activation quantizer is not narrow: narrow=0');
  ctx.values.set(node.outputs[0], quantized(node, ctx, { bits, signed, clip: scale * positiveSteps({ bits, signed }) }));
}

export function convertActivationBipolarQuant(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  const scale = scalarOf(ctx.constant(node.inputs[1], 'scale'), 'scale');
  if (scale !== 1) unsupported(`a binary activation has scale 1 (the next layer's BatchNorm rescales), not ${scale}`);
  ctx.values.set(node.outputs[0], quantized(node, ctx, { bits: 1, signed: true, clip: 1 }));
}

/** QuantizeLinear of a computed value: 8-bit codes, read only by the DequantizeLinear that follows. */
export function convertQuantizeLinear(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis', 'saturate', 'block_size']);
  const scale = scalarOf(ctx.constant(node.inputs[1], 'y_scale'), 'y_scale');
  const zeroTensor = node.inputs[2] ? ctx.constant(node.inputs[2], 'y_zero_point') : undefined;
  if (zeroTensor && scalarOf(zeroTensor, 'y_zero_point') !== 0) unsupported('a quantized activation has zero point 0');
  const signed = zeroTensor?.dataType === DataType.INT8;
  if (zeroTensor && !signed && zeroTensor.dataType !== DataType.UINT8) unsupported('quantized activations are 8-bit (int8 or uint8 zero points)');
  ctx.pending.set(node.outputs[0], { readBy: 'DequantizeLinear', scale, computed: quantized(node, ctx, { bits: 8, signed, clip: scale * positiveSteps({ bits: 8, signed }) }) });
}

/** The pending value a node reads: the quantized activation its pair's first node computed. */
function pendingOf(node: OnnxNode, ctx: ImportContext, first: string) {
  const pending = ctx.pending.get(node.inputs[0]);
  if (pending?.readBy !== node.opType) unsupported(`${node.opType} of a computed value reads the output of a ${first} (a quantized activation)`);
  return pending!;
}

/** DequantizeLinear of QuantizeLinear's codes: the quantized values the QuantizedActivation computed. */
export function convertActivationDequantizeLinear(node: OnnxNode, ctx: ImportContext): void {
  const codes = pendingOf(node, ctx, 'QuantizeLinear');
  if (scalarOf(ctx.constant(node.inputs[1], 'x_scale'), 'x_scale') !== codes.scale) unsupported("DequantizeLinear's scale differs from its QuantizeLinear's");
  ctx.values.set(node.outputs[0], codes.computed);
}

/** x >= 0, read by the Where that makes it the sign. */
export function convertGreaterOrEqual(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  if (scalarOf(ctx.constant(node.inputs[1], 'B'), 'B') !== 0) unsupported('GreaterOrEqual is imported as the sign: x >= 0');
  ctx.pending.set(node.outputs[0], { readBy: 'Where', computed: quantized(node, ctx, { bits: 1, signed: true, clip: 1 }) });
}

/** Where(x >= 0, 1, -1): a binary activation. */
export function convertWhere(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  const sign = pendingOf(node, ctx, 'GreaterOrEqual');
  const [plus, minus] = scalarInputs(node, ctx, ['X', 'Y']);
  if (plus !== 1 || minus !== -1) unsupported('Where is imported as the sign: Where(x >= 0, 1, -1)');
  ctx.values.set(node.outputs[0], sign.computed);
}

/** Whether a quantizer node reads a computed value (an activation) rather than a constant (a weight). */
export const quantizesActivation = (node: OnnxNode, ctx: ImportContext): boolean => !ctx.isConstant(node.inputs[0]);
