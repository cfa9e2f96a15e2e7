// Builds ONNX graphs with onnx-proto's generated protobufjs classes: the small graphs each
// accelerated kernel runs, and (through the package's exports) whole exported models.
import onnxProto, { type onnx } from 'onnx-proto';

// onnx-proto is CommonJS without named-export hints, so Node's ESM loader only sees its default.
const { onnx: proto } = onnxProto;

export const ONNX_OPSET = 17;

/** Element types the builder writes. */
export type GraphDataType = 'float32' | 'int32' | 'bool' | 'int64' | 'int8' | 'uint8';

const ELEM_TYPE: Record<GraphDataType, number> = {
  float32: proto.TensorProto.DataType.FLOAT,
  int32: proto.TensorProto.DataType.INT32,
  bool: proto.TensorProto.DataType.BOOL,
  int64: proto.TensorProto.DataType.INT64,
  int8: proto.TensorProto.DataType.INT8,
  uint8: proto.TensorProto.DataType.UINT8,
};

/** A float attribute; plain numbers are written as INT, number arrays as INTS. */
export interface FloatAttr {
  readonly float: number;
}
export type AttrValue = number | number[] | string | FloatAttr;

export const float = (value: number): FloatAttr => ({ float: value });

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const { AttributeType } = proto.AttributeProto;
  if (typeof value === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

/** A dimension: a size, or a name for a dynamic one (the batch). */
export type Dim = number | string;

function valueInfo(name: string, dtype: GraphDataType, shape?: readonly Dim[]): onnx.IValueInfoProto {
  const dims = shape?.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: ELEM_TYPE[dtype], shape: dims ? { dim: dims } : undefined } } };
}

/** The element types of initializers. */
export type InitializerType = 'float32' | 'int8' | 'uint8';

/** Raw little-endian bytes: the compact encoding ONNX tools write for tensors. */
function rawBytes(dtype: InitializerType, values: ArrayLike<number>): Uint8Array {
  const typed = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int8' ? Int8Array.from(values) : Uint8Array.from(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

export interface NodeOptions {
  /** The node's name (default: none). */
  name?: string;
  /** The op's domain, for custom ops (default: the ONNX domain). */
  domain?: string;
}

export interface BuildOptions {
  graphName?: string;
  producerName?: string;
  /** Default-domain opset (ONNX_OPSET unless given). */
  opset?: number;
  /** Extra opset imports, for custom domains. */
  domains?: { domain: string; version: number }[];
  metadata?: Record<string, string>;
}

/** Accumulates nodes, inputs, constants and outputs, then encodes one ModelProto. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;

  input(name: string, dtype: GraphDataType, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** Adds one node and returns the names of its outputs. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputCount = 1, options: NodeOptions = {}): string[] {
    const outputs = Array.from({ length: outputCount }, () => `t${this.counter++}`);
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType, input: inputs, output: outputs, attribute: attribute_, name: options.name, domain: options.domain });
    return outputs;
  }

  /** Adds a one-output node and returns its output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, options: NodeOptions = {}): string {
    return this.node(opType, inputs, attrs, 1, options)[0];
  }

  constFloat(values: number[] | Float32Array, dims: number[] = [values.length]): string {
    const name = `c${this.counter++}`;
    this.initializers.push({ name, dataType: ELEM_TYPE.float32, dims, floatData: Array.from(values) });
    return name;
  }

  constInt64(values: number[], dims: number[] = [values.length]): string {
    const name = `c${this.counter++}`;
    this.initializers.push({ name, dataType: ELEM_TYPE.int64, dims, int64Data: values });
    return name;
  }

  /** A named constant stored as raw bytes (float32, int8 or uint8). */
  initializer(name: string, dtype: InitializerType, values: ArrayLike<number>, dims: readonly number[]): string {
    this.initializers.push({ name, dataType: ELEM_TYPE[dtype], dims: [...dims], rawData: rawBytes(dtype, values) });
    return name;
  }

  output(name: string, dtype: GraphDataType, shape?: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, dtype, shape));
  }

  /** Renames a value everywhere it is produced or read (to give a graph output its name). */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = node.input?.map((n) => (n === from ? to : n));
      node.output = node.output?.map((n) => (n === from ? to : n));
    }
  }

  /**
   * The graph as ONNX's GraphProto (to nest it: a subgraph's body).
   * @internal the engine's own: public types carry no protobuf types.
   */
  graph(name = 'kernel'): onnx.IGraphProto {
    return proto.GraphProto.create({ name, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.initializers });
  }

  build(options: BuildOptions = {}): Uint8Array {
    return encodeModel(this.graph(options.graphName), options);
  }
}

/** One model holding `graph`. */
export function encodeModel(graph: onnx.IGraphProto, options: Omit<BuildOptions, 'graphName'> = {}): Uint8Array {
  const model = proto.ModelProto.create({
    irVersion: 8,
    producerName: options.producerName ?? 'sparse-ternary-engine',
    opsetImport: [{ domain: '', version: options.opset ?? ONNX_OPSET }, ...(options.domains ?? [])],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph,
  });
  return proto.ModelProto.encode(model).finish();
}
