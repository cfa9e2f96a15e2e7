// Where a command's model and data come from: a built-in topology or an .onnx file, and a dataset
// name or a folder of dataset files.
import { isDatasetName, isImageFolder, loadDatasetFrom, type Dataset, type SourceOptions } from '@sparse-ternary/datasets';
import { HeadError, TOPOLOGIES, buildModel, outputClasses, replaceHead, type TopologyName } from '@sparse-ternary/models';
import { importOnnx } from '@sparse-ternary/onnx';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, statSync } from 'node:fs';
import { UsageError } from './errors';

export const TOPOLOGY_NAMES = Object.keys(TOPOLOGIES) as TopologyName[];

export interface ModelSpec {
  /** A topology name or a path to an .onnx file. */
  model: string;
  width?: number;
  seed?: number;
}

export const isOnnxPath = (model: string) => model.toLowerCase().endsWith('.onnx');

/** Builds the topology (seeded) or imports the ONNX file; a bad name is a UsageError, a bad file an ImportError. */
export function loadModel(spec: ModelSpec): tfl.LayersModel {
  if (isOnnxPath(spec.model)) return importOnnx(spec.model).model;
  if (!(TOPOLOGY_NAMES as string[]).includes(spec.model)) {
    throw new UsageError(`--model '${spec.model}' is neither a topology (${TOPOLOGY_NAMES.join(', ')}) nor an .onnx file`);
  }
  return buildModel(spec.model as TopologyName, { seed: spec.seed, widthMultiplier: spec.width });
}

/** A dataset by name, or a folder of MNIST-format IDX files, CIFAR binaries or images (read as `images` says); a file is bad usage. */
export function loadData(data: string, images: SourceOptions): Dataset {
  if (!isDatasetName(data) && existsSync(data) && !statSync(data).isDirectory()) throw new UsageError(`--data '${data}' is a file; give a dataset name or a folder`);
  if (!images.size && !isDatasetName(data) && existsSync(data) && isImageFolder(data)) {
    throw new UsageError(`--data '${data}' is a folder of images and the model takes images of any size: give --input-size`);
  }
  return loadDatasetFrom(data, images);
}

/** The model must take the data's images and predict its classes. */
export function checkCompatible(model: tfl.LayersModel, data: Dataset, modelName: string, dataName: string): void {
  const expected = model.inputs[0].shape.slice(1).join('x');
  const actual = data.train.imageShape.join('x');
  if (expected !== actual) throw new UsageError(`model ${modelName} takes ${expected} images; data ${dataName} has ${actual}`);
  const classes = outputClasses(model);
  if (classes !== data.classes.length) {
    throw new UsageError(`model ${modelName} predicts ${classes} classes; data ${dataName} has ${data.classes.length}: compress with --replace-head to train a new final layer for them`);
  }
}

/** The model with a new head for the data's classes where --replace-head asks for it and the counts differ. */
export function fitHead(model: tfl.LayersModel, data: Dataset, options: { replaceHead: boolean; seed: number }): tfl.LayersModel {
  if (!options.replaceHead || outputClasses(model) === data.classes.length) return model;
  try {
    return replaceHead(model, data.classes.length, { seed: options.seed });
  } catch (error) {
    if (error instanceof HeadError) throw new UsageError(`--replace-head: ${error.message}`);
    throw error;
  }
}
