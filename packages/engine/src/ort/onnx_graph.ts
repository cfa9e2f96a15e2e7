// Builds the small ONNX graphs that each accelerated kernel runs, with onnx-proto's generated
// protobufjs classes.
import onnxProto, { type onnx } from 'onnx-proto';
import type { OrtDataType } from './ort_binding';

// onnx-proto is CommonJS without named-export hints, so Node's ESM loader only sees its default.
const { onnx: proto } = onnxProto;

export const ONNX_OPSET = 17;

const ELEM_TYPE: Record<OrtDataType, number> = {
  float32: proto.TensorProto.DataType.FLOAT,
  int32: proto.TensorProto.DataType.INT32,
  bool: proto.TensorProto.DataType.BOOL,
  int64: proto.TensorProto.DataType.INT64,
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

function valueInfo(name: string, dtype: OrtDataType, shape?: readonly number[]): onnx.IValueInfoProto {
  const dims = shape?.map((dimValue) => ({ dimValue }));
  return { name, type: { tensorType: { elemType: ELEM_TYPE[dtype], shape: dims ? { dim: dims } : undefined } } };
}

/** Accumulates nodes, inputs, constants and outputs, then encodes one ModelProto. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;

  input(name: string, dtype: OrtDataType, shape: readonly number[]): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** Adds one node and returns the names of its outputs. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, () => `t${this.counter++}`);
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType, input: inputs, output: outputs, attribute: attribute_ });
    return outputs;
  }

  /** Adds a one-output node and returns its output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attrs)[0];
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

  output(name: string, dtype: OrtDataType): void {
    this.outputs.push(valueInfo(name, dtype));
  }

  build(): Uint8Array {
    const graph = proto.GraphProto.create({
      name: 'kernel',
      node: this.nodes,
      input: this.inputs,
      output: this.outputs,
      initializer: this.initializers,
    });
    const model = proto.ModelProto.create({
      irVersion: 8,
      producerName: 'sparse-ternary-engine',
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph,
    });
    return proto.ModelProto.encode(model).finish();
  }
}
