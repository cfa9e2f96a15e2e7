export { DATASET_NAMES, DATASETS, MNIST_10K, type DatasetName, type DatasetSpec, type RemoteFile } from './catalog';
export { DatasetError, DatasetNotFoundError } from './errors';
export { parseIdx, readIdxFile, type IdxArray } from './idx';
export { parseCifar, readCifarFile, CIFAR10_FORMAT, cifar100Format, type CifarFormat } from './cifar';
export { type LabeledImages } from './labeled_images';
export { cacheDir, resolveDataset, type ResolveOptions, type ResolvedDataset } from './resolve';
export { loadDataset, type Dataset, type LoadOptions } from './load';
export { isDatasetName, loadDatasetFrom, type SourceOptions } from './load_source';
export { parseImageSize } from './image_size';
export { loadImageFolder, isImageFolder, IMAGE_EXTENSIONS, TEST_FOLDERS, type ImageFolderOptions } from './image_folder';
export { decodeImage, MAX_IMAGE_PIXELS, type RgbImage } from './image_decode';
export { resizeAndCrop, resizeBilinear, centerCrop, toGray, type ByteImage } from './resize';
export { download, downloadFiles, type DownloadOptions } from './download';
export {
  batches,
  channelStats,
  gather,
  splitValidation,
  toTensors,
  type Augmentation,
  type Batch,
  type BatchOptions,
  type LabelEncoding,
  type PixelScaling,
  type TensorOptions,
} from './pipeline';
