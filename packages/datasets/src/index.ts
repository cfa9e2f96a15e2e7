export { DATASET_NAMES, DATASETS, MNIST_10K, type DatasetName, type DatasetSpec, type RemoteFile } from './catalog';
export { DatasetError } from './errors';
export { parseIdx, readIdxFile, type IdxArray } from './idx';
export { parseCifar, readCifarFile, CIFAR10_FORMAT, cifar100Format, type CifarFormat } from './cifar';
export { type LabeledImages } from './labeled_images';
export { cacheDir, resolveDataset, type ResolveOptions, type ResolvedDataset } from './resolve';
export { loadDataset, type Dataset, type LoadOptions } from './load';
export { isDatasetName, loadDatasetFrom } from './load_source';
export { download, downloadFiles, type DownloadOptions } from './download';
export {
  batches,
  channelStats,
  splitValidation,
  toTensors,
  type Augmentation,
  type Batch,
  type BatchOptions,
  type LabelEncoding,
  type PixelScaling,
  type TensorOptions,
} from './pipeline';
