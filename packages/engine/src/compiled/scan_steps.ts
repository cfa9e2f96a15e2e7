// Several training steps in one onnxruntime run: the step's graph as the body of a Scan, its
// weights, optimizer state and moving statistics carried from one step to the next inside
// onnxruntime, each step's batch and scalars read from sequences stacked along a first axis, its
// loss and penalty collected into sequences. onnxruntime-node copies every output into a new
// JavaScript buffer (1.30 has no CPU IO binding): for LFC's 2.9 M weights and Adam's two moments
// about 10 ms a run, a third of a step, which a run of K steps pays once.
import onnxProto, { type onnx } from 'onnx-proto';
import { encodeModel } from '../ort/onnx_graph';

const { onnx: proto } = onnxProto;

export interface ScanLayout {
  /** Each carried value: the body's input and the output that replaces it in the next step. */
  carried: readonly { input: string; output: string }[];
  /** Body inputs read per step: the outer graph's inputs of the same names, stacked [K, ...]. */
  sequences: readonly string[];
  /** Body outputs collected per step: the outer graph's outputs of the same names, [K, ...]. */
  collected: readonly string[];
}

/** The body's values renamed apart from the outer graph's (ONNX forbids a subgraph to shadow an outer name). */
const inner = (name: string) => `step:${name}`;

function renamed(body: onnx.IGraphProto, names: ReadonlySet<string>): onnx.IGraphProto {
  const rename = (name: string) => (names.has(name) ? inner(name) : name);
  return {
    ...body,
    node: body.node!.map((node) => ({ ...node, input: node.input!.map(rename), output: node.output!.map(rename) })),
    input: body.input!.map((v) => ({ ...v, name: rename(v.name!) })),
    output: body.output!.map((v) => ({ ...v, name: rename(v.name!) })),
  };
}

/** `info` with a first dimension K added (a sequence of it) or not; a shape left unknown stays so. */
function withSteps(info: onnx.IValueInfoProto, stacked: boolean): onnx.IValueInfoProto {
  const { elemType, shape } = info.type!.tensorType!;
  return { name: info.name, type: { tensorType: { elemType, shape: shape && { dim: stacked ? [{ dimParam: 'K' }, ...(shape.dim ?? [])] : shape.dim } } } };
}

/**
 * A model whose graph runs `body` once per entry of its sequences (K, fed with them): its inputs
 * are the carried values' (their names) and the sequences; its outputs the carried values after
 * the last step (named as the carried outputs) and the collected sequences.
 */
export function scanSteps(body: onnx.IGraphProto, layout: ScanLayout): Uint8Array {
  const find = (list: onnx.IValueInfoProto[] | null | undefined, name: string) => {
    const info = list?.find((v) => v.name === name);
    if (!info) throw new Error(`scanSteps: the body has no value '${name}'`);
    return info;
  };
  const carriedInputs = layout.carried.map((c) => find(body.input, c.input));
  const sequenceInputs = layout.sequences.map((name) => find(body.input, name));
  const carriedOutputs = layout.carried.map((c) => find(body.output, c.output));
  const collectedOutputs = layout.collected.map((name) => find(body.output, name));
  // Scan's body lists the carried values first, then the per-step ones, inputs and outputs alike.
  const ordered = { ...body, input: [...carriedInputs, ...sequenceInputs], output: [...carriedOutputs, ...collectedOutputs] };
  const names = new Set([...ordered.input, ...ordered.output].map((v) => v.name!));
  const { AttributeType } = proto.AttributeProto;
  const scan: onnx.INodeProto = {
    opType: 'Scan',
    input: [...layout.carried.map((c) => c.input), ...layout.sequences],
    output: [...layout.carried.map((c) => c.output), ...layout.collected],
    attribute: [
      { name: 'body', type: AttributeType.GRAPH, g: renamed(ordered, names) },
      { name: 'num_scan_inputs', type: AttributeType.INT, i: layout.sequences.length },
    ],
  };
  const graph = proto.GraphProto.create({
    name: `${body.name ?? 'step'}-steps`,
    node: [scan],
    input: [...carriedInputs.map((v) => withSteps(v, false)), ...sequenceInputs.map((v) => withSteps(v, true))],
    output: [...carriedOutputs.map((v) => withSteps(v, false)), ...collectedOutputs.map((v) => withSteps(v, true))],
  });
  return encodeModel(graph);
}
