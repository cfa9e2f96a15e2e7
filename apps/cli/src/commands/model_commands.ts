// Commands on a model without training: eval, import, export and cost.
import type { Dataset } from '@sparse-ternary/datasets';
import { initEngine, type BackendChoice } from '@sparse-ternary/engine';
import { makeFolders, writeFileAtomic } from '@sparse-ternary/base';
import { costReport, costReportMarkdown, ZYNQ_7020, type FpgaDevice } from '@sparse-ternary/hw-cost';
import { importOnnx, saveOnnx, type QonnxQuantOp, type WeightFormat } from '@sparse-ternary/onnx';
import { accuracy, percent, pixelScaling, type RunConfig } from '@sparse-ternary/retrain';
import * as tf from '@tensorflow/tfjs-core';

import path from 'node:path';
import { EXIT, UsageError } from '../errors';
import type { Reporter } from '../progress';
import { packedAccuracy } from '../packed_accuracy';
import { checkCompatible, imageSource, isPackedPath, loadData, loadModel, loadPacked } from '../sources';

export async function evalCommand(options: RunConfig, reporter: Reporter): Promise<number> {
  await initEngine({ backend: options.backend });
  const value = isPackedPath(options.model) ? evalPacked(options) : evalLayers(options);
  const data = value.data;
  const how = options.tta === 'none' ? '' : ` with test-time augmentation (${options.tta})`;
  reporter.info(`${options.model} on ${data.name} (${data.test.count} test images): accuracy ${percent(value.accuracy)}${how}`);
  reporter.event('accuracy', { model: options.model, data: data.name, images: data.test.count, accuracy: value.accuracy, tta: options.tta });
  return EXIT.ok;
}

/** A topology or an .onnx file, run by TF.js. */
function evalLayers(options: RunConfig): { data: Dataset; accuracy: number } {
  const model = loadModel({ model: options.model });
  const data = loadData(options.data, imageSource(options, model.inputs[0].shape.slice(1)));
  checkCompatible(model, data, options.model, options.data);
  return { data, accuracy: accuracy(model, data.test, { scale: pixelScaling(options, data.test.imageShape[2]) }, undefined, options.tta) };
}

/** A model.stpack, run by @sparse-ternary/runtime. */
function evalPacked(options: RunConfig): { data: Dataset; accuracy: number } {
  const model = loadPacked(options.model);
  const data = loadData(options.data, imageSource(options, model.inputShape));
  if (model.inputShape.join('x') !== data.test.imageShape.join('x') || model.outputSize !== data.classes.length) {
    throw new UsageError(`model ${options.model} takes ${model.inputShape.join('x')} images to ${model.outputSize} outputs; data ${options.data} has ${data.test.imageShape.join('x')} images of ${data.classes.length} classes`);
  }
  return { data, accuracy: packedAccuracy(model, data.test, pixelScaling(options, data.test.imageShape[2]), options.tta) };
}

/** import: an ONNX model as a TF.js layers model folder (model.json + weights.bin), loadable with tf.loadLayersModel. */
export async function importCommand(file: string, options: { out: string; backend: BackendChoice }, reporter: Reporter): Promise<number> {
  await initEngine({ backend: options.backend });
  const { model, signature } = importOnnx(file);
  makeFolders(options.out);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, ...rest } = artifacts;
      const bytes = new Uint8Array(weightData as ArrayBuffer);
      writeFileAtomic(path.join(options.out, 'weights.bin'), bytes);
      writeFileAtomic(path.join(options.out, 'model.json'), JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
    }),
  );
  const weights = model.countParams();
  reporter.info(`${file}: ${model.layers.length} layers, ${weights} parameters; input ${signature.inputs.map((i) => `${i.name} (${i.layout})`).join(', ')}; written to ${options.out}/model.json and weights.bin`);
  reporter.event('imported', { file, layers: model.layers.length, parameters: weights, signature, out: options.out });
  return EXIT.ok;
}

export const EXPORT_FORMATS: Record<string, WeightFormat> = { onnx: 'float', 'onnx-int8': 'int8', qonnx: 'qonnx' };

export async function exportCommand(options: { model: string; format: string; qonnxOp: QonnxQuantOp; out: string; backend: BackendChoice }, reporter: Reporter): Promise<number> {
  if (path.resolve(options.out) === path.resolve(options.model)) throw new UsageError(`-o ${options.out} is the model being exported: choose another file`);
  await initEngine({ backend: options.backend });
  const model = loadModel({ model: options.model });
  const { layers } = saveOnnx(model, options.out, { format: EXPORT_FORMATS[options.format], qonnxQuantOp: options.qonnxOp });
  const levels = layers.map((l) => `${l.layer}: ${l.levels}, ${percent(l.sparsity, 1)} zero`).join('; ');
  reporter.info(`wrote ${options.out} (${options.format}): ${levels}`);
  reporter.event('exported', { model: options.model, format: options.format, out: options.out, layers });
  return EXIT.ok;
}

export interface CostOptions {
  model: string;
  backend: BackendChoice;
  luts?: number;
  bram?: number;
  clock?: number;
  activationBits?: number;
  md?: string;
}

export async function costCommand(options: CostOptions, reporter: Reporter, stdout: NodeJS.WritableStream, json: boolean): Promise<number> {
  await initEngine({ backend: options.backend });
  const model = loadModel({ model: options.model });
  const custom = options.luts !== undefined || options.bram !== undefined || options.clock !== undefined;
  const device: FpgaDevice = custom
    ? { name: 'custom', luts: options.luts ?? ZYNQ_7020.luts, bram36: options.bram ?? ZYNQ_7020.bram36, dsps: 0, clockMHz: options.clock ?? ZYNQ_7020.clockMHz }
    : ZYNQ_7020;
  const report = costReport(model, { device, activationBits: options.activationBits });
  const markdown = costReportMarkdown(report);
  if (options.md) writeFileAtomic(options.md, `${markdown}\n`);
  if (json) reporter.event('cost', { model: options.model, report });
  else stdout.write(`${markdown}\n`);
  return EXIT.ok;
}
