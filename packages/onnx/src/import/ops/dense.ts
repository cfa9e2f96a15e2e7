// Gemm and MatMul (+ Add) with a constant weight, as TF.js dense layers. After a Flatten of a
// channels-last tensor, the kernel's rows are reordered instead of the activations.
import * as tfl from '@tensorflow/tfjs-layers';
import { reorderFlattenedRows, transposeFloats } from '../../layout';
import type { OnnxNode } from '../../read_model';
import type { ConstTensor } from '../../tensor_data';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

/** A bias that broadcasts to [batch, units]: a scalar, [units], [1, units] or [1]. */
function biasValues(c: ConstTensor, units: number, scale: number): Float32Array | undefined {
  const count = c.values.length;
  const rowShaped = c.dims.length <= 1 || (c.dims.length === 2 && c.dims[0] === 1);
  if (!rowShaped || (count !== units && count !== 1)) return undefined;
  return Float32Array.from({ length: units }, (_, i) => scale * Number(c.values[count === 1 ? 0 : i]));
}

function addDense(node: OnnxNode, ctx: ImportContext, input: string, kernel: Float32Array, inputs: number, units: number, bias: Float32Array | undefined, outputName: string): void {
  const x = ctx.value(input);
  const shape = ctx.semanticShape(x);
  if (shape.length !== 2) unsupported(`input has rank ${shape.length}; dense layers take [batch, features]`);
  if (shape[1] !== inputs) unsupported(`input has ${shape[1]} features, the weight expects ${inputs}`);
  const rows = x.flattened ? reorderFlattenedRows(kernel, x.flattened, units, false) : kernel;
  const tensor = x.flattened ? x.tensor : ctx.stored(x, [0, 1], () => ctx.layerName(node, '_2d'));
  // Zero initializers: the ONNX weights replace them, and drawing random ones costs more than the import.
  const layer = tfl.layers.dense({ units, useBias: bias !== undefined, kernelInitializer: 'zeros', name: ctx.layerName(node) });
  const weights = [{ values: rows, shape: [inputs, units] }, ...(bias ? [{ values: bias, shape: [units] }] : [])];
  ctx.values.set(outputName, { tensor: ctx.applyWithWeights(layer, tensor, weights), perm: [0, 1] });
}

export function convertGemm(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['alpha', 'beta', 'transA', 'transB', 'broadcast']);
  if (attr.int(node, 'transA', 0)) unsupported('transA=1 puts the batch on the second axis, which a TF.js model cannot take');
  const b = ctx.constant(node.inputs[1], 'B (the weight)');
  if (b.dims.length !== 2) unsupported(`B has shape [${b.dims}], expected a matrix`);
  const alpha = attr.float(node, 'alpha', 1);
  const beta = attr.float(node, 'beta', 1);
  const transB = attr.int(node, 'transB', 0) === 1;
  const [inputs, units] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  let kernel = transB ? transposeFloats(b.values, b.dims, [1, 0]) : Float32Array.from(b.values);
  if (alpha !== 1) kernel = kernel.map((v) => v * alpha);
  const c = ctx.optionalConstant(node, 2, 'C (the bias)');
  const bias = c ? biasValues(c, units, beta) : undefined;
  if (c && !bias) unsupported(`C has shape [${c.dims}], which does not broadcast as a bias of ${units} units`);
  addDense(node, ctx, node.inputs[0], kernel, inputs, units, bias, node.outputs[0]);
}

/** MatMul by a constant matrix, taking in the Add of a constant bias that follows it. */
export function convertMatMul(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, []);
  const b = ctx.constant(node.inputs[1], 'the second operand (the weight)');
  if (b.dims.length !== 2) unsupported(`the weight has shape [${b.dims}], expected a matrix`);
  const [inputs, units] = b.dims;
  const [reader, ...others] = ctx.consumers(node.outputs[0]);
  const biasInput = reader?.opType === 'Add' && !others.length && !ctx.isGraphOutput(node.outputs[0]) ? reader.inputs.find((i) => i !== node.outputs[0]) : undefined;
  const bias = biasInput && ctx.isConstant(biasInput) && !reader.attributes.has('axis') ? biasValues(ctx.constant(biasInput, 'bias'), units, 1) : undefined;
  if (bias) ctx.folded.add(reader);
  addDense(node, ctx, node.inputs[0], Float32Array.from(b.values), inputs, units, bias, bias ? reader.outputs[0] : node.outputs[0]);
}
