// TF.js LayersModel -> ONNX: channels-first activations as ONNX and FINN expect, quantized kernels
// in the chosen weight format, and the compression facts in metadata_props.
import { writeFileAtomic } from '@sparse-ternary/base';
import { costReport, costSummary } from '@sparse-ternary/hw-cost';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ExportError } from '../errors';
import { signatureOf, type InputLayout } from '../import/import_model';
import { identity, invert, NHWC, permuteShape, type Perm } from '../layout';
import { EXPORT_OPSET, QONNX_DOMAIN } from '../proto';
import { ExportContext, type ExportedLayer, type QonnxQuantOp, type WeightFormat } from './export_context';
import { LAYER_EXPORTERS } from './layer_exporters';

export interface ExportOptions {
  /** 'float' (ternary values as float32), 'int8' (int8 {-1, 0, 1} + DequantizeLinear) or 'qonnx' (Quant nodes for FINN). */
  format?: WeightFormat;
  /** With 'qonnx': the op of ternary kernels, 'Quant' (default) or 'IntQuant'. */
  qonnxQuantOp?: QonnxQuantOp;
  /** Graph input name; default: the imported model's, else the TF.js input layer's. */
  inputName?: string;
  /** Layout of a 4D input; default: the imported model's, else NCHW (as ONNX, PyTorch and FINN expect). */
  inputLayout?: Exclude<InputLayout, 'none'>;
  outputName?: string;
  /** Written to metadata_props with the per-layer statistics. */
  method?: string;
  /** The quantizer's thresholds by kernel variable name (a compression report's `layers`). */
  layers?: readonly { name: string; delta: number }[];
  /** The hardware cost summary written as JSON; default: @sparse-ternary/hw-cost's summary of the model. */
  hardwareCost?: unknown;
}

export interface ExportResult {
  bytes: Uint8Array;
  layers: ExportedLayer[];
}

export const METADATA_PREFIX = 'sparse_ternary.';

function inboundTensors(layer: tfl.layers.Layer): { inputs: tfl.SymbolicTensor[]; outputs: tfl.SymbolicTensor[] } {
  if (layer.inboundNodes.length !== 1) throw new ExportError(`the layer is used ${layer.inboundNodes.length} times; shared layers are not exported`, layer.name);
  const node = layer.inboundNodes[0];
  return { inputs: node.inputTensors, outputs: node.outputTensors };
}

/** Exports a model (in memory) as ONNX opset 13. */
export function exportOnnx(model: tfl.LayersModel, options: ExportOptions = {}): ExportResult {
  const signature = signatureOf(model);
  const ctx = new ExportContext(options.format ?? 'float', options.qonnxQuantOp);
  const layouts: InputLayout[] = [];
  model.inputs.forEach((input, i) => {
    const shape = input.shape;
    const layout: InputLayout = shape.length === 4 ? (options.inputLayout ?? (signature?.inputs[i]?.layout as InputLayout | undefined) ?? 'NCHW') : 'none';
    const perm: Perm = layout === 'NCHW' ? NHWC : identity(shape.length);
    const dims = permuteShape(shape, invert(perm)).map((d, j) => (j === 0 || d === null ? 'batch' : d));
    const name = (i === 0 && options.inputName) || signature?.inputs[i]?.name || input.name.replace(/\/.*$/, '');
    ctx.builder.input(name, 'float32', dims);
    ctx.values.set(input, { name, perm, shape });
    layouts.push(layout);
  });

  const readers = new Map<tfl.SymbolicTensor, tfl.layers.Layer[]>();
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  for (const layer of layers) {
    for (const t of inboundTensors(layer).inputs) readers.set(t, [...(readers.get(t) ?? []), layer]);
  }
  for (const layer of layers) {
    const exporter = LAYER_EXPORTERS[layer.getClassName()];
    if (!exporter) throw new ExportError(`${layer.getClassName()} layers have no ONNX export`, layer.name);
    const { inputs, outputs } = inboundTensors(layer);
    const out = outputs[0];
    const isOutput = model.outputs.includes(out);
    const readByDenseOnly = !isOutput && (readers.get(out) ?? []).every((r) => r.getClassName() === 'Dense');
    ctx.values.set(out, exporter(ctx, { layer, inputs: inputs.map((t) => ctx.value(t, layer.name)), outputShape: out.shape, readByDenseOnly }));
  }

  model.outputs.forEach((output, i) => {
    const value = ctx.value(output, 'output');
    const rank = output.shape.length;
    const final = ctx.as(value, rank === 4 && layouts[0] === 'NCHW' ? NHWC : identity(rank), 'output');
    const name = (i === 0 && options.outputName) || signature?.outputs[i]?.name || `output${i ? `_${i}` : ''}`;
    const dims = ctx.onnxShape({ ...value, perm: rank === 4 && layouts[0] === 'NCHW' ? NHWC : identity(rank) }).map((d, j) => (j === 0 || d === null ? 'batch' : (d as number)));
    if (model.inputs.some((input) => ctx.values.get(input)?.name === final)) ctx.builder.rename(ctx.builder.op('Identity', [final]), name);
    else ctx.builder.rename(final, name);
    ctx.builder.output(name, 'float32', dims);
  });

  const deltas = new Map((options.layers ?? []).map((l) => [l.name, l.delta]));
  const layerStats = ctx.layers.map((l) => {
    const delta = [...deltas].find(([name]) => name.startsWith(`${l.layer}/`))?.[1];
    return { ...l, ...(delta !== undefined ? { delta } : {}) };
  });
  const quantized = layerStats.filter((l) => l.levels !== 'float');
  const size = quantized.reduce((a, l) => a + l.size, 0);
  const zeros = quantized.reduce((a, l) => a + l.sparsity * l.size, 0);
  const metadata: Record<string, string> = {
    [`${METADATA_PREFIX}format`]: ctx.format,
    [`${METADATA_PREFIX}layers`]: JSON.stringify(layerStats),
    [`${METADATA_PREFIX}sparsity`]: String(size ? zeros / size : 0),
    ...(options.method ? { [`${METADATA_PREFIX}method`]: options.method } : {}),
    [`${METADATA_PREFIX}hardware_cost`]: JSON.stringify(options.hardwareCost ?? costSummary(costReport(model))),
  };
  const bytes = ctx.builder.build({
    graphName: model.name,
    producerName: 'sparse-ternary',
    opset: EXPORT_OPSET,
    domains: ctx.usesQonnx ? [{ domain: QONNX_DOMAIN, version: 1 }] : [],
    metadata,
  });
  return { bytes, layers: layerStats };
}

/** Exports a model to a file, atomically: a crash leaves the old file or the new one, never half of one. */
export function saveOnnx(model: tfl.LayersModel, file: string, options: ExportOptions = {}): ExportResult {
  const result = exportOnnx(model, options);
  try {
    writeFileAtomic(file, result.bytes);
  } catch (error) {
    throw new ExportError((error as Error).message);
  }
  return result;
}
