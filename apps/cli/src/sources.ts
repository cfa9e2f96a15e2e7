// Where a command's model and data come from: a built-in topology or an .onnx file, and a dataset
// name or a folder of dataset files.
import { isDatasetName, isImageFolder, loadDatasetFrom, type Dataset, type SourceOptions } from '@sparse-ternary/datasets';
import { TOPOLOGIES, buildModel, type TopologyName } from '@sparse-ternary/models';
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

/** The model must take the data's images. */
export function checkCompatible(model: tfl.LayersModel, data: Dataset, modelName: string, dataName: string): void {
  const expected = model.inputs[0].shape.slice(1).join('x');
  const actual = data.train.imageShape.join('x');
  if (expected !== actual) throw new UsageError(`model ${modelName} takes ${expected} images; data ${dataName} has ${actual}`);
}
