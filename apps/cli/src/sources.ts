// Where a command's model and data come from: a built-in topology or an .onnx file, and a dataset
// name or a folder of dataset files.
import { isDatasetName, isImageFolder, loadDatasetFrom, parseImageSize, type Dataset, type SourceOptions } from '@sparse-ternary/datasets';
import { HeadError, TOPOLOGIES, buildModel, headFor, outputClasses, type TopologyName } from '@sparse-ternary/models';
import { importOnnx } from '@sparse-ternary/onnx';
import type * as tfl from '@tensorflow/tfjs-layers';
import { load, PackedModelError, type SparseTernaryModel } from '@sparse-ternary/runtime';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from './errors';
import { flagOf } from './run_flags';

export const TOPOLOGY_NAMES = Object.keys(TOPOLOGIES) as TopologyName[];

export interface ModelSpec {
  /** A topology name or a path to an .onnx file. */
  model: string;
  width?: number;
  seed?: number;
}

export const isOnnxPath = (model: string) => model.toLowerCase().endsWith('.onnx');
export const isPackedPath = (model: string) => model.toLowerCase().endsWith('.stpack');

/** A packed model (model.stpack) for @sparse-ternary/runtime; an unreadable file is an error naming it. */
export function loadPacked(file: string): SparseTernaryModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return load(bytes);
  } catch (error) {
    if (error instanceof PackedModelError) throw new Error(`${file}: ${error.message}`);
    throw error;
  }
}

/** Builds the topology (seeded) or imports the ONNX file; a bad name is a UsageError, a bad file an ImportError. */
export function loadModel(spec: ModelSpec): tfl.LayersModel {
  if (isOnnxPath(spec.model)) return importOnnx(spec.model).model;
  if (!(TOPOLOGY_NAMES as string[]).includes(spec.model)) {
    throw new UsageError(`${flagOf('model')} '${spec.model}' is neither a topology (${TOPOLOGY_NAMES.join(', ')}) nor an .onnx file`);
  }
  return buildModel(spec.model as TopologyName, { seed: spec.seed, widthMultiplier: spec.width });
}

/** A dataset by name, or a folder of MNIST-format IDX files, CIFAR binaries or images (read as `images` says); a file is bad usage. */
export function loadData(data: string, images: SourceOptions): Dataset {
  if (!isDatasetName(data) && existsSync(data) && !statSync(data).isDirectory()) throw new UsageError(`${flagOf('data')} '${data}' is a file; give a dataset name or a folder`);
  if (!images.size && !isDatasetName(data) && existsSync(data) && isImageFolder(data)) {
    throw new UsageError(`${flagOf('data')} '${data}' is a folder of images and the model takes images of any size: give ${flagOf('inputSize')}`);
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
    throw new UsageError(`model ${modelName} predicts ${classes} classes; data ${dataName} has ${data.classes.length}: compress with ${flagOf('replaceHead')} to train a new final layer for them`);
  }
}

/** The model with a new head for the data's classes where the replaceHead option asks for it and the counts differ. */
export function fitHead(model: tfl.LayersModel, data: Dataset, options: { replaceHead: boolean; seed: number }): tfl.LayersModel {
  if (!options.replaceHead) return model;
  try {
    return headFor(model, data.classes.length, { seed: options.seed });
  } catch (error) {
    if (error instanceof HeadError) throw new UsageError(`${flagOf('replaceHead')}: ${error.message}`);
    throw error;
  }
}

/** How a folder of images is read for a model taking `inputShape` [h, w, c]: at the inputSize option's size or the model's, with the model's channels where it takes 1 or 3. */
export function imageSource(options: { inputSize?: string }, inputShape: (number | null)[]): SourceOptions {
  const [height, width, channels] = inputShape;
  const size = options.inputSize ? parseImageSize(options.inputSize) : height && width ? ([height, width] as [number, number]) : undefined;
  return { size, channels: channels === 1 || channels === 3 ? channels : undefined };
}
