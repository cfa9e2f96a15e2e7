// Add, Sub, Mul and Div: folded when both operands are constants, a ConstantArithmetic layer when
// one is, TF.js add/multiply layers when both are computed with one shape, a BroadcastArithmetic
// layer when their shapes differ or the op is Sub or Div.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BroadcastArithmetic } from '../../layers/broadcast_arithmetic';
import { ARITHMETIC, type ArithmeticOp } from '../../layers/arithmetic_ops';
import { ConstantArithmetic } from '../../layers/constant_arithmetic';
import { identity, permuteShape, transposeFloats } from '../../layout';
import type { OnnxNode } from '../../read_model';
import type { ConstTensor } from '../../tensor_data';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

const OPS: Record<string, ArithmeticOp> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', Max: 'max', Min: 'min' };

/** Before opset 7, broadcasting was opt-in (broadcast=1) and aligned the constant at `axis`. */
function legacyAligned(node: OnnxNode, ctx: ImportContext, c: ConstTensor, rank: number): number[] {
  if (ctx.opset >= 7 || !attr.int(node, 'broadcast', 0) || !node.attributes.has('axis')) return c.dims;
  const axis = attr.int(node, 'axis', 0);
  const start = axis < 0 ? axis + rank : axis;
  return [...c.dims, ...new Array(Math.max(rank - start - c.dims.length, 0)).fill(1)];
}

function fold(node: OnnxNode, ctx: ImportContext, op: ArithmeticOp): void {
  const [a, b] = node.inputs.map((name) => ctx.constant(name, 'operand'));
  const result = tf.tidy(() => {
    const ta = tf.tensor(Float32Array.from(a.values), a.dims);
    const tb = tf.tensor(Float32Array.from(b.values), legacyAligned(node, ctx, b, a.dims.length));
    return ARITHMETIC[op].apply(ta, tb);
  });
  const floats = a.values instanceof Float32Array || b.values instanceof Float32Array;
  const values = result.dataSync() as Float32Array;
  ctx.constants.set(node.outputs[0], { dims: result.shape, values: floats ? Float32Array.from(values) : Array.from(values, (v) => Math.trunc(v)) });
  result.dispose();
}

export function convertArithmetic(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['broadcast', 'axis', 'consumed_inputs']);
  const op = OPS[node.opType];
  const [first, second] = node.inputs;
  if (ctx.isConstant(first) && ctx.isConstant(second)) return fold(node, ctx, op);
  if (ctx.isConstant(first) || ctx.isConstant(second)) {
    const constantFirst = ctx.isConstant(first);
    const x = ctx.value(constantFirst ? second : first);
    const c = ctx.constant(constantFirst ? first : second, 'operand');
    const shape = ctx.semanticShape(x);
    const rank = shape.length;
    const dims = legacyAligned(node, ctx, c, rank);
    if (dims.length > rank) unsupported(`constant [${c.dims}] has more dimensions than the input [${shape}]`);
    const aligned = [...new Array(rank - dims.length).fill(1), ...dims];
    if (aligned[0] !== 1 || aligned.some((d, i) => d !== 1 && d !== shape[i])) unsupported(`constant [${c.dims}] does not broadcast to the input [${shape}] without changing it`);
    const perm = x.flattened ? identity(2) : x.perm;
    const tensor = x.flattened ? ctx.stored(x, perm, () => ctx.layerName(node, '_chw')) : x.tensor;
    const constantShape = permuteShape(aligned, perm);
    const layer = new ConstantArithmetic({ op, constantShape, constantFirst, name: ctx.layerName(node) });
    const values = transposeFloats(c.values, aligned, perm);
    ctx.values.set(node.outputs[0], { tensor: ctx.applyWithWeights(layer, tensor, [{ values, shape: constantShape }]), perm });
    return;
  }
  const a = ctx.value(first);
  const b = ctx.value(second);
  const shapeA = ctx.semanticShape(a);
  const shapeB = ctx.semanticShape(b);
  if (shapeA.length !== shapeB.length) unsupported(`operands [${shapeA}] and [${shapeB}] differ in rank`);
  if (shapeA.some((d, i) => i > 0 && d !== shapeB[i] && d !== 1 && shapeB[i] !== 1)) unsupported(`operands [${shapeA}] and [${shapeB}] do not broadcast`);
  // Either operand may be the one broadcast: keep the layout of the full-size one.
  const full = shapeA.every((d, i) => i === 0 || d === shapeB[i] || shapeB[i] === 1) ? a : b;
  const perm = full.flattened ? identity(2) : full.perm;
  const inputs = [a, b].map((v) => ctx.stored(v, perm, () => ctx.layerName(node, '_relayout')));
  const name = ctx.layerName(node);
  const same = shapeA.every((d, i) => d === shapeB[i]);
  const layer = same && op === 'add' ? tfl.layers.add({ name }) : same && op === 'mul' ? tfl.layers.multiply({ name }) : new BroadcastArithmetic({ op, name });
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(layer, inputs), perm });
}

/** The variadic ops, each as a chain of two-input steps; Mean is a Sum times 1/n. */
const VARIADIC_STEPS: Record<string, string> = { Sum: 'Add', Mean: 'Add', Max: 'Max', Min: 'Min' };
export const VARIADIC_OPS = Object.keys(VARIADIC_STEPS);

/** Sum, Mean, Max and Min of any number of tensors with broadcasting (of constants alone they are folded). */
export function convertVariadic(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['consumed_inputs']);
  const inputs = node.inputs.filter((name) => name !== '');
  if (inputs.length === 0) unsupported('no inputs');
  const step = (opType: string, operands: string[], output: string) =>
    convertArithmetic({ ...node, opType, inputs: operands, outputs: [output], attributes: new Map(), proto: undefined }, ctx);
  const last = node.opType === 'Mean' ? `${node.outputs[0]}/sum` : node.outputs[0];
  if (inputs.length === 1) ctx.values.set(last, ctx.value(inputs[0]));
  let acc = inputs[0];
  inputs.slice(1).forEach((next, i) => {
    const output = i === inputs.length - 2 ? last : `${node.outputs[0]}/step${i}`;
    step(VARIADIC_STEPS[node.opType], [acc, next], output);
    acc = output;
  });
  if (node.opType === 'Mean') {
    const scale = `${node.outputs[0]}/1_over_n`;
    ctx.constants.set(scale, { dims: [], values: Float32Array.of(1 / inputs.length) });
    step('Mul', [last, scale], node.outputs[0]);
  }
}
