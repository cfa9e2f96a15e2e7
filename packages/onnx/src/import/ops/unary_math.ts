// Sqrt, Exp, Log, Neg, Abs, Erf, Reciprocal, Pow with a constant scalar exponent, and Gelu, of a
// computed tensor (of constants they are folded), in whatever layout it is stored.
import { UNARY_MATH, UnaryMath } from '../../layers/unary_math';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

export function convertUnaryMath(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['consumed_inputs', 'approximate']);
  const x = ctx.value(node.inputs[0]);
  let exponent: number | undefined;
  if (node.opType === 'Pow') {
    const c = ctx.constant(node.inputs[1], 'the exponent');
    if (c.values.length !== 1) unsupported(`the exponent has shape [${c.dims}]; only a scalar is supported`);
    exponent = Number(c.values[0]);
  }
  const approximate = attr.string(node, 'approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh') unsupported(`approximate '${approximate}' is neither 'none' nor 'tanh'`);
  const op = node.opType === 'Gelu' && approximate === 'tanh' ? 'GeluTanh' : node.opType;
  const layer = new UnaryMath({ op, exponent, name: ctx.layerName(node) });
  ctx.values.set(node.outputs[0], { ...x, tensor: ctx.apply(layer, x.tensor) });
}

/** The ONNX op types (GeluTanh is Gelu's tanh form, not an op). */
export const UNARY_MATH_OPS = Object.keys(UNARY_MATH).filter((op) => op !== 'GeluTanh');
