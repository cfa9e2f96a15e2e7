// ONNX model -> trainable TF.js LayersModel. Every node is tried, so an ImportError lists all the
// nodes that cannot be converted, not only the first.
import * as tfl from '@tensorflow/tfjs-layers';
import { ImportError, type NodeProblem } from '../errors';
import { identity, NCHW, NHWC, samePerm } from '../layout';
import { readOnnx, readOnnxFile, type GraphValue, type OnnxGraph, type OnnxNode, type ReadOptions } from '../read_model';
import { DataType, QONNX_DOMAIN } from '../proto';
import { ImportContext, NodeProblemError } from './context';
import { CONVERTERS, QONNX_CONVERTERS, type Converter } from './converters';
import { fold } from './fold';

export type InputLayout = 'NCHW' | 'NHWC' | 'none';

/** What export needs to give the model back its ONNX interface. */
export interface OnnxSignature {
  inputs: { name: string; layout: InputLayout }[];
  outputs: { name: string }[];
  opset: number;
  producer: string;
}

export interface ImportedModel {
  model: tfl.LayersModel;
  signature: OnnxSignature;
  /** The source's metadata_props (a model exported here carries its compression report in them). */
  metadata: Map<string, string>;
}

export type ImportOptions = Omit<ReadOptions, 'source'>;

const signatures = new WeakMap<tfl.LayersModel, OnnxSignature>();

/** The ONNX interface of a model imported in this process, if it was. */
export const signatureOf = (model: tfl.LayersModel): OnnxSignature | undefined => signatures.get(model);

/** A 4D input read only by a Transpose to channels-first is a channels-last (Keras) input. */
function inputLayout(graph: OnnxGraph, input: GraphValue): InputLayout {
  if (input.dims?.length !== 4) return 'none';
  const readers = graph.nodes.filter((n) => n.inputs.includes(input.name));
  const perm = readers[0]?.attributes.get('perm');
  const keras = readers.length === 1 && readers[0].opType === 'Transpose' && Array.isArray(perm) && samePerm(perm as number[], NCHW);
  return keras ? 'NHWC' : 'NCHW';
}

function addInput(ctx: ImportContext, input: GraphValue, layout: InputLayout): void {
  const dims = input.dims;
  const fail = (reason: string) => {
    throw new ImportError(`graph input '${input.name}' ${reason}`, ctx.graph.source);
  };
  if (!dims || dims.length < 2) fail('needs a known shape of rank 2 or more (batch first)');
  if (input.elemType !== DataType.FLOAT && input.elemType !== DataType.UNDEFINED) fail(`has element type ${DataType[input.elemType]}; only float inputs are supported`);
  const rest = dims!.slice(1);
  if (rest.some((d) => typeof d !== 'number' || d <= 0)) fail(`has shape [${dims}]; every dimension but the batch must be a known positive number`);
  const perm = layout === 'NCHW' ? NHWC : identity(dims!.length);
  const semantic = [null, ...(rest as number[])];
  const storedShape = perm.slice(1).map((p) => semantic[p] as number);
  const tensor = tfl.input({ shape: storedShape, name: ctx.layerName({ name: input.name, opType: 'input' }) });
  ctx.values.set(input.name, { tensor, perm });
}

const DOMAINS: Record<string, Readonly<Record<string, Converter>>> = { '': CONVERTERS, 'ai.onnx': CONVERTERS, [QONNX_DOMAIN]: QONNX_CONVERTERS };

const converterFor = (node: OnnxNode): Converter | undefined => DOMAINS[node.domain]?.[node.opType];

function convertGraph(graph: OnnxGraph): ImportedModel {
  const first = graph.inputs[0];
  const batch = typeof first.dims?.[0] === 'number' ? (first.dims[0] as number) : undefined;
  const ctx = new ImportContext(graph, batch);
  const layouts = graph.inputs.map((input) => inputLayout(graph, input));
  graph.inputs.forEach((input, i) => addInput(ctx, input, layouts[i]));

  const problems: NodeProblem[] = [];
  const failed = new Set<string>();
  for (const node of graph.nodes) {
    if (ctx.folded.has(node)) continue;
    const problem = (reason: string) => problems.push({ opType: node.opType, node: node.name, opset: graph.opset, reason });
    const converter = converterFor(node);
    const missing = DOMAINS[node.domain] ? 'op not supported' : `domain '${node.domain}' is not supported`;
    if (node.inputs.some((i) => failed.has(i))) {
      // Behind a failed node, named only when it has no converter of its own.
      if (!converter) problem(missing);
      node.outputs.forEach((o) => failed.add(o));
      continue;
    }
    try {
      if (fold(node, ctx)) continue;
      if (!converter) throw new NodeProblemError(missing);
      converter(node, ctx);
    } catch (error) {
      if (error instanceof ImportError) throw error;
      // NodeProblemError says what is unsupported; anything else (a TF.js shape error) is still this node's problem.
      problem(error instanceof NodeProblemError ? error.message : `cannot be converted: ${(error as Error).message}`);
      node.outputs.forEach((o) => failed.add(o));
    }
  }
  if (problems.length) {
    throw new ImportError(`${problems.length} node${problems.length > 1 ? 's' : ''} cannot be imported`, graph.source, problems);
  }
  const outputs = graph.outputs.map((output) => {
    const value = ctx.values.get(output.name);
    if (!value) throw new ImportError(`graph output '${output.name}' is a constant, not computed from the input`, graph.source);
    // Image-shaped outputs come out channels-last like every TF.js image tensor; others in ONNX order.
    const rank = ctx.semanticShape(value).length;
    return ctx.stored(value, ImportContext.preferredPerm(rank), () => ctx.layerName({ name: output.name, opType: 'Permute' }, '_layout'));
  });
  let model: tfl.LayersModel;
  try {
    model = tfl.model({ inputs: graph.inputs.map((i) => ctx.values.get(i.name)!.tensor), outputs });
  } catch (error) {
    throw new ImportError(`cannot assemble the TF.js model: ${(error as Error).message}`, graph.source);
  }
  const signature: OnnxSignature = {
    inputs: graph.inputs.map((input, i) => ({ name: input.name, layout: layouts[i] })),
    outputs: graph.outputs.map((o) => ({ name: o.name })),
    opset: graph.opset,
    producer: graph.producer,
  };
  signatures.set(model, signature);
  return { model, signature, metadata: graph.metadata };
}

/**
 * Imports an ONNX model (a file path or the bytes) as a trainable TF.js LayersModel with
 * channels-last activations. Channels-first inputs become channels-last inputs of the TF.js model
 * (transpose [N, C, H, W] data to [N, H, W, C]); the signature records the original names and
 * layouts, which export restores.
 */
export function importOnnx(source: string | Uint8Array, options: ImportOptions = {}): ImportedModel {
  const graph = typeof source === 'string' ? readOnnxFile(source, options) : readOnnx(source, options);
  return convertGraph(graph);
}
