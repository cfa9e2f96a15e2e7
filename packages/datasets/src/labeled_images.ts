import { DatasetError } from './errors';
import type { IdxArray } from './idx';

/** Images as NHWC unsigned bytes with one integer label each. */
export interface LabeledImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** [height, width, channels] */
  imageShape: [number, number, number];
  numClasses: number;
}

/** Pairs an IDX image array [N, H, W] with an IDX label array [N], checking counts and label range. */
export function pairIdx(images: IdxArray, labels: IdxArray, numClasses: number, files: { images: string; labels: string }): LabeledImages {
  if (images.dims.length !== 3) throw new DatasetError(`expected images [N, H, W], got dimensions [${images.dims}]`, files.images, 3);
  if (labels.dims.length !== 1) throw new DatasetError(`expected labels [N], got dimensions [${labels.dims}]`, files.labels, 3);
  const [count, height, width] = images.dims;
  // An empty split would train on nothing and report NaN: refuse it where it is read.
  if (count === 0) throw new DatasetError('holds no images', files.images, 4);
  if (labels.dims[0] !== count) {
    throw new DatasetError(`${labels.dims[0]} labels for ${count} images in ${files.images}`, files.labels, 4);
  }
  checkLabels(labels.data, numClasses, files.labels, 8, 1);
  return { images: images.data, labels: labels.data, count, imageShape: [height, width, 1], numClasses };
}

/** Throws at the first label >= numClasses; `first` and `stride` map a label index to its byte offset. */
export function checkLabels(labels: Uint8Array, numClasses: number, file: string, first: number, stride: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new DatasetError(`label ${labels[i]} of record ${i} is out of range 0..${numClasses - 1}`, file, first + i * stride);
    }
  }
}

/** Records [start, end) of a set, sharing its buffers. */
export function sliceImages(set: LabeledImages, start: number, end: number): LabeledImages {
  const pixels = set.imageShape[0] * set.imageShape[1] * set.imageShape[2];
  return {
    ...set,
    images: set.images.subarray(start * pixels, end * pixels),
    labels: set.labels.subarray(start, end),
    count: end - start,
  };
}

/** The records of several sets one after the other (for CIFAR's five training batches). */
export function concatImages(sets: LabeledImages[]): LabeledImages {
  const images = new Uint8Array(sets.reduce((n, s) => n + s.images.length, 0));
  const labels = new Uint8Array(sets.reduce((n, s) => n + s.labels.length, 0));
  let i = 0;
  let l = 0;
  for (const s of sets) {
    images.set(s.images, i);
    labels.set(s.labels, l);
    i += s.images.length;
    l += s.labels.length;
  }
  return { ...sets[0], images, labels, count: labels.length };
}
