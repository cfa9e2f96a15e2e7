// A dataset given as users give it: a catalog name, or a folder of its files (MNIST-format IDX
// files or CIFAR-10/100 binaries, told apart by their file names, or class folders of images).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DATASET_NAMES, type DatasetName } from './catalog';
import { DatasetError } from './errors';
import { isImageFolder, loadImageFolder, type ImageFolderOptions } from './image_folder';
import { loadDataset, type Dataset } from './load';

export const isDatasetName = (source: string): source is DatasetName => (DATASET_NAMES as readonly string[]).includes(source);

/** How images of an image folder are read: `size` is needed for one (the model's input size). */
export type SourceOptions = Omit<ImageFolderOptions, 'size'> & { size?: [number, number] };

export function loadDatasetFrom(source: string, options: SourceOptions = {}): Dataset {
  if (isDatasetName(source)) return loadDataset(source);
  if (!existsSync(source)) throw new DatasetError(`data folder ${source} does not exist (datasets by name: ${DATASET_NAMES.join(', ')})`);
  if (!statSync(source).isDirectory()) throw new DatasetError(`${source} is a file; give a dataset name or a folder`);
  if (isImageFolder(source)) {
    if (!options.size) throw new DatasetError(`${source} is a folder of images: give the size to resize them to (the model's input size)`);
    return loadImageFolder(source, { ...options, size: options.size });
  }
  const has = (file: string) => existsSync(path.join(source, file));
  const name: DatasetName = has('data_batch_1.bin') || has('cifar-10-batches-bin') ? 'cifar10' : has('train.bin') || has('cifar-100-binary') ? 'cifar100' : 'mnist';
  return loadDataset(name, { path: source });
}
