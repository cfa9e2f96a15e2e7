// Decodes an ONNX ModelProto into a checked, topologically sorted graph: constants (initializers
// and Constant nodes) separated from computed values, every input produced, no cycles.
import { readFileSync } from 'node:fs';
import { attributeValue, type AttributeValue } from './attributes';
import { ImportError } from './errors';
import { DataType, MAX_IMPORT_OPSET, proto, toNumber, type Int64, type onnx } from './proto';
import { readTensor, TensorDataError, type ConstTensor } from './tensor_data';

export interface ReadOptions {
  /** Refuse any tensor with more elements than this, before allocating it (default 2^28). */
  maxElements?: number;
  /** Names the model in errors (the file path when reading a file). */
  source?: string;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
  /** The node as decoded, to run it as it is (constant folding). */
  // onnx-proto's NodeProto, typed loosely: the public types carry no protobuf types (whose .d.ts
  // need a global Long that consumers' type checks do not have).
  proto?: object;
}

/** A graph input or output: a dimension is a number, a symbolic name, or undefined. */
export interface GraphValue {
  name: string;
  dims?: (number | string | undefined)[];
  elemType: number;
}

export interface OnnxGraph {
  source: string;
  opset: number;
  producer: string;
  /** Computed nodes in an order where every node comes after the producers of its inputs. */
  nodes: OnnxNode[];
  /** Graph inputs that are not initializers. */
  inputs: GraphValue[];
  outputs: GraphValue[];
  constants: Map<string, ConstTensor>;
  metadata: Map<string, string>;
}

export const DEFAULT_MAX_ELEMENTS = 2 ** 28;

function graphValue(info: onnx.IValueInfoProto): GraphValue {
  const tensorType = info.type?.tensorType;
  // A decoded Dimension names the field its oneof holds in `value`.
  const dims = tensorType?.shape?.dim?.map((d) => {
    const which = (d as { value?: string }).value;
    return which === 'dimValue' ? toNumber(d.dimValue as Int64) : d.dimParam || undefined;
  });
  return { name: info.name ?? '', dims, elemType: tensorType?.elemType ?? DataType.UNDEFINED };
}

/** The value of a Constant node, in any of its attribute forms. */
function constantValue(node: onnx.INodeProto, maxElements: number): ConstTensor {
  const [attr] = node.attribute ?? [];
  const value = attr ? attributeValue(attr, maxElements) : undefined;
  if (value !== undefined && typeof value === 'object' && !Array.isArray(value)) return value;
  if (typeof value === 'number') return attr.name === 'value_int' ? { dims: [], values: [value] } : { dims: [], values: Float32Array.of(value) };
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    const numbers = value as number[];
    return attr.name === 'value_ints' ? { dims: [numbers.length], values: numbers } : { dims: [numbers.length], values: Float32Array.from(numbers) };
  }
  throw new TensorDataError(`Constant node '${node.name ?? ''}' has no value this importer reads (${attr?.name ?? 'no attribute'})`);
}

function decode(bytes: Uint8Array, source: string): onnx.ModelProto {
  try {
    return proto.ModelProto.decode(bytes);
  } catch (error) {
    throw new ImportError(`not a valid ONNX model (protobuf decoding failed: ${(error as Error).message})`, source);
  }
}

/** Orders nodes so that producers come first; names the node reading a missing value, or the cycle. */
function sortNodes(nodes: OnnxNode[], available: Set<string>, source: string): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  for (const node of nodes) {
    for (const out of node.outputs) {
      if (!out) continue;
      if (producer.has(out) || available.has(out)) throw new ImportError(`value '${out}' is produced twice (node '${node.name}')`, source);
      producer.set(out, node);
    }
  }
  const pending = new Map<OnnxNode, number>();
  const readers = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    let waiting = 0;
    for (const input of new Set(node.inputs)) {
      if (!input || available.has(input)) continue;
      if (!producer.has(input)) throw new ImportError(`node '${node.name}' (${node.opType}) reads '${input}', which no node, graph input or initializer produces`, source);
      waiting++;
      readers.set(input, [...(readers.get(input) ?? []), node]);
    }
    pending.set(node, waiting);
  }
  const ready = nodes.filter((n) => pending.get(n) === 0);
  const sorted: OnnxNode[] = [];
  while (ready.length) {
    const node = ready.shift()!;
    sorted.push(node);
    for (const out of node.outputs) {
      for (const reader of readers.get(out) ?? []) {
        const left = pending.get(reader)! - 1;
        pending.set(reader, left);
        if (left === 0) ready.push(reader);
      }
      readers.delete(out);
    }
  }
  if (sorted.length < nodes.length) {
    const stuck = nodes.filter((n) => !sorted.includes(n)).map((n) => `'${n.name}'`);
    throw new ImportError(`the graph has a cycle through nodes ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', ...' : ''}`, source);
  }
  return sorted;
}

/** Parses and checks an ONNX model held in memory. */
export function readOnnx(bytes: Uint8Array, options: ReadOptions = {}): OnnxGraph {
  const source = options.source ?? '<bytes>';
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const model = decode(bytes, source);
  const graph = model.graph;
  if (!graph || !graph.node?.length) throw new ImportError('the model has no graph, or its graph has no nodes', source);
  const defaultOpset = model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = defaultOpset ? toNumber(defaultOpset.version as Int64) : 1;
  if (opset < 1 || opset > MAX_IMPORT_OPSET) throw new ImportError(`default-domain opset ${opset} is outside the supported 1 to ${MAX_IMPORT_OPSET}`, source);

  const constants = new Map<string, ConstTensor>();
  const nodes: OnnxNode[] = [];
  try {
    for (const init of graph.initializer ?? []) constants.set(init.name ?? '', readTensor(init, maxElements));
    if (graph.sparseInitializer?.length) throw new TensorDataError('sparse initializers are not supported');
    graph.node.forEach((node, index) => {
      const name = node.name || `${node.opType ?? 'node'}_${index}`;
      if (node.opType === 'Constant' && !node.domain) {
        constants.set(node.output?.[0] ?? '', constantValue({ ...node, name }, maxElements));
        return;
      }
      const attributes = new Map<string, AttributeValue>();
      for (const attr of node.attribute ?? []) {
        const value = attributeValue(attr, maxElements);
        if (value !== undefined) attributes.set(attr.name ?? '', value);
      }
      nodes.push({ name, opType: node.opType ?? '', domain: node.domain ?? '', inputs: node.input ?? [], outputs: node.output ?? [], attributes, proto: node });
    });
  } catch (error) {
    if (error instanceof TensorDataError) throw new ImportError(error.message, source);
    throw error;
  }
  const inputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? '')).map(graphValue);
  const outputs = (graph.output ?? []).map(graphValue);
  if (!inputs.length || !outputs.length) throw new ImportError('the graph declares no computed input or no output', source);
  for (const value of [...inputs, ...outputs]) {
    for (const d of value.dims ?? []) {
      if (typeof d === 'number' && (d < 0 || d > maxElements)) throw new ImportError(`graph value '${value.name}' has dimension ${d}`, source);
    }
  }
  const available = new Set([...constants.keys(), ...inputs.map((i) => i.name)]);
  const sorted = sortNodes(nodes, available, source);
  const produced = new Set([...available, ...nodes.flatMap((n) => n.outputs)]);
  const missing = outputs.filter((o) => !produced.has(o.name));
  if (missing.length) throw new ImportError(`graph output '${missing[0].name}' is produced by no node`, source);
  return {
    source,
    opset,
    producer: model.producerName ?? '',
    nodes: sorted,
    inputs,
    outputs,
    constants,
    metadata: new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

/** Parses and checks an ONNX model file; errors name the file. */
export function readOnnxFile(file: string, options: Omit<ReadOptions, 'source'> = {}): OnnxGraph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ImportError(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, file);
  }
  return readOnnx(bytes, { ...options, source: file });
}
