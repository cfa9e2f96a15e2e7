// Constant folding at import. A node whose inputs are all known (initializers, Constant nodes,
// earlier folds) is run once by onnxruntime as a one-node model, whatever its op, and its outputs
// become constants that the converters read (a folded weight is still a trainable weight).
// Shape and Size of a computed tensor are known but for the batch, which stays symbolic: such a
// value and everything folded from it are evaluated for two batch sizes, and an element that
// follows the batch is the batch (a Reshape reads it as 0, "copy the batch").
import type { onnx } from 'onnx-proto';
import { loadSyncSession, type OrtData, type OrtDataType, type OrtValue } from '@sparse-ternary/engine';
import { DataType, proto } from '../proto';
import type { OnnxNode } from '../read_model';
import type { ConstTensor } from '../tensor_data';
import { attr, type ImportContext, unsupported } from './context';

/** Two batch sizes that no real dimension is likely to follow by chance. */
export const PROBE_BATCHES = [101, 103] as const;

/** A value computed from the batch size: its value for each of PROBE_BATCHES. */
export type BatchDependent = [ConstTensor, ConstTensor];

// onnxruntime supports the default domain from opset 7; older models keep the converters' own folds.
const MIN_FOLD_OPSET = 7;

/** The onnxruntime tensor for each ONNX element type the importer reads (float16 goes in as float32). */
const ELEMENTS: Record<number, { type: OrtDataType; array: (values: ArrayLike<number>) => OrtData }> = {
  [DataType.FLOAT]: { type: 'float32', array: (v) => Float32Array.from(v) },
  [DataType.FLOAT16]: { type: 'float32', array: (v) => Float32Array.from(v) },
  [DataType.DOUBLE]: { type: 'float64', array: (v) => Float64Array.from(v) },
  [DataType.INT8]: { type: 'int8', array: (v) => Int8Array.from(v) },
  [DataType.UINT8]: { type: 'uint8', array: (v) => Uint8Array.from(v) },
  [DataType.INT16]: { type: 'int16', array: (v) => Int16Array.from(v) },
  [DataType.UINT16]: { type: 'uint16', array: (v) => Uint16Array.from(v) },
  [DataType.INT32]: { type: 'int32', array: (v) => Int32Array.from(v) },
  [DataType.UINT32]: { type: 'uint32', array: (v) => Uint32Array.from(v) },
  [DataType.INT64]: { type: 'int64', array: (v) => BigInt64Array.from(Array.from(v, (x) => BigInt(x))) },
  [DataType.UINT64]: { type: 'uint64', array: (v) => BigUint64Array.from(Array.from(v, (x) => BigInt(x))) },
  [DataType.BOOL]: { type: 'bool', array: (v) => Uint8Array.from(v) },
};
const ELEMENT_TYPE = new Map(Object.entries(ELEMENTS).filter(([key]) => Number(key) !== DataType.FLOAT16).map(([key, e]) => [e.type, Number(key)]));

const elementType = (c: ConstTensor): number => c.dataType ?? (c.values instanceof Float32Array ? DataType.FLOAT : DataType.INT64);

function toOrt(c: ConstTensor): OrtValue {
  const element = ELEMENTS[elementType(c)] ?? unsupported(`an input has element type ${DataType[elementType(c)]}, which folding does not read`);
  return { type: element.type, data: element.array(c.values), dims: c.dims };
}

function fromOrt(v: OrtValue): ConstTensor {
  const dataType = ELEMENT_TYPE.get(v.type) ?? unsupported(`its constant result has type ${v.type}, which the importer does not keep`);
  const values = v.data instanceof Float32Array || v.data instanceof Float64Array ? Float32Array.from(v.data) : Array.from(v.data as ArrayLike<number | bigint>, Number);
  return { dims: [...v.dims], values, dataType };
}

/** Runs `node` alone in onnxruntime on constant inputs. */
function evaluate(node: OnnxNode, opset: number, input: (name: string) => ConstTensor): ConstTensor[] {
  const names = [...new Set(node.inputs.filter(Boolean))];
  const feeds = Object.fromEntries(names.map((name) => [name, toOrt(input(name))]));
  const outputs = node.outputs.filter(Boolean);
  const graph = proto.GraphProto.create({
    name: 'fold',
    node: [node.proto as onnx.INodeProto],
    input: names.map((name) => ({ name, type: { tensorType: { elemType: ELEMENT_TYPE.get(feeds[name].type) } } })),
    output: outputs.map((name) => ({ name })),
  });
  const model = proto.ModelProto.encode(proto.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph })).finish();
  let session;
  try {
    session = loadSyncSession(model, { intraOpNumThreads: 1, allowSpinning: false });
  } catch (error) {
    return unsupported(`all its inputs are constants, but onnxruntime cannot evaluate it: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const results = session.run(feeds);
    return node.outputs.map((name) => (name ? fromOrt(results[name]) : { dims: [0], values: [] }));
  } catch (error) {
    return unsupported(`evaluating it on its constant inputs failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    session.dispose();
  }
}

const sameDims = (a: ConstTensor, b: ConstTensor): boolean => a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
const sameTensor = (a: ConstTensor, b: ConstTensor): boolean => sameDims(a, b) && a.values.every((v, i) => v === b.values[i]);

/** Shape (opset 15's start and end included) or Size of a computed value, once per probe batch (or once for a fixed batch). */
function shapeOf(node: OnnxNode, ctx: ImportContext): void {
  const shape = ctx.semanticShape(ctx.value(node.inputs[0]));
  if (shape.slice(1).some((d) => d === null)) unsupported(`the shape of '${node.inputs[0]}' is not known at import ([${shape}]): it depends on the data`);
  const rank = shape.length;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
  const [start, end] = [clamp(attr.int(node, 'start', 0)), clamp(attr.int(node, 'end', rank))];
  const at = (batch: number): ConstTensor => {
    const dims = [batch, ...(shape.slice(1) as number[])];
    if (node.opType === 'Size') return { dims: [], values: [dims.reduce((a, b) => a * b, 1)], dataType: DataType.INT64 };
    return { dims: [Math.max(end - start, 0)], values: dims.slice(start, end), dataType: DataType.INT64 };
  };
  if (ctx.batchSize !== undefined) ctx.constants.set(node.outputs[0], at(ctx.batchSize));
  else ctx.batchDependent.set(node.outputs[0], [at(PROBE_BATCHES[0]), at(PROBE_BATCHES[1])]);
}

/** Folds `node` when its inputs are known; false leaves it to its converter. */
export function fold(node: OnnxNode, ctx: ImportContext): boolean {
  if ((node.domain !== '' && node.domain !== 'ai.onnx') || !node.proto || ctx.opset < MIN_FOLD_OPSET) return false;
  const inputs = node.inputs.filter(Boolean);
  if ((node.opType === 'Shape' || node.opType === 'Size') && ctx.values.has(inputs[0])) {
    shapeOf(node, ctx);
    return true;
  }
  const known = (name: string) => ctx.constants.has(name) || ctx.batchDependent.has(name);
  if (!inputs.length || !inputs.every(known) || node.outputs.some((o) => ctx.isGraphOutput(o))) return false;
  const probes = inputs.some((name) => ctx.batchDependent.has(name)) ? [0, 1] : [0];
  const runs = probes.map((k) => evaluate(node, ctx.opset, (name) => ctx.batchDependent.get(name)?.[k] ?? ctx.constants.get(name)!));
  node.outputs.forEach((name, i) => {
    if (!name) return;
    const [a, b] = [runs[0][i], runs[runs.length - 1][i]];
    if (sameTensor(a, b)) ctx.constants.set(name, a);
    else ctx.batchDependent.set(name, [a, b]);
  });
  return true;
}

/**
 * A shape input (Reshape's) that may be batch-dependent: an element that follows the batch becomes
 * 0, ONNX's "copy this dimension", where it is the first; anywhere else it cannot be a layer.
 */
export function shapeInput(ctx: ImportContext, name: string, what: string): ConstTensor {
  const pair = ctx.batchDependent.get(name);
  if (!pair) return ctx.constant(name, what);
  const [a, b] = pair;
  if (!sameDims(a, b)) unsupported(`${what} ('${name}') has a length that depends on the batch size`);
  const values = Array.from(a.values, (v, i) => {
    if (v === b.values[i]) return v;
    if (i === 0 && v === PROBE_BATCHES[0] && b.values[i] === PROBE_BATCHES[1]) return 0;
    return unsupported(`${what} ('${name}') puts the batch size${i ? ` into dimension ${i}` : ' into a product'}, which a layer cannot do`);
  });
  return { dims: a.dims, values, dataType: a.dataType };
}
