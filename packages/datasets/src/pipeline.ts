import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@sparse-ternary/base';
import type { LabeledImages } from './labeled_images';

/** 'unit': [0, 1]; 'symmetric': [-1, 1]; or per-channel (x/255 - mean[c]) / std[c]. */
export type PixelScaling = 'unit' | 'symmetric' | { mean: number[]; std: number[] };
export type LabelEncoding = 'one-hot' | 'int';

export interface TensorOptions {
  scale?: PixelScaling;
  labels?: LabelEncoding;
}

/** CIFAR's standard augmentation: a random crop after zero-padding, and a random horizontal flip. */
export interface Augmentation {
  /** Pixels of zero padding on each side before cropping back to the original size (4 for CIFAR). */
  pad: number;
  flip: boolean;
}

export interface BatchOptions extends TensorOptions {
  batchSize: number;
  /** Seed of the shuffle and augmentation; each epoch draws from seed and epoch. */
  seed?: number;
  epoch?: number;
  shuffle?: boolean;
  augment?: Augmentation;
  /** Leave out a last, smaller batch. */
  dropRemainder?: boolean;
}

export interface Batch {
  /** [batch, height, width, channels] float32 */
  x: tf.Tensor4D;
  /** [batch, classes] one-hot float32, or [batch] int32 */
  y: tf.Tensor;
}

/** Per-channel mean and standard deviation of the pixels, in [0, 1] units (for 'mean/std' scaling). */
export function channelStats(set: LabeledImages): { mean: number[]; std: number[] } {
  const c = set.imageShape[2];
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] / 255;
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = set.images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  return { mean, std: Array.from(sq, (s, k) => Math.sqrt(Math.max(s / n - mean[k] ** 2, 0))) };
}

/** The float value of each byte value per channel: lut[channel * 256 + byte]. */
function scaleTable(scale: PixelScaling, channels: number): Float32Array {
  if (typeof scale === 'object' && (scale.mean.length !== channels || scale.std.length !== channels)) {
    throw new Error(`mean/std scaling needs ${channels} values each, got ${scale.mean.length} and ${scale.std.length}`);
  }
  const lut = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) {
      lut[c * 256 + v] = scale === 'unit' ? v / 255 : scale === 'symmetric' ? v / 127.5 - 1 : (v / 255 - scale.mean[c]) / scale.std[c];
    }
  }
  return lut;
}

/** A permutation of 0..n-1 (Fisher-Yates) drawn from `random`. */
export function permutation(n: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Selected records of a set, copied (in the order given). */
export function gather(set: LabeledImages, indices: ArrayLike<number>): LabeledImages {
  const [h, w, c] = set.imageShape;
  const pixels = h * w * c;
  const images = new Uint8Array(indices.length * pixels);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    images.set(set.images.subarray(r * pixels, (r + 1) * pixels), i * pixels);
    labels[i] = set.labels[r];
  }
  return { ...set, images, labels, count: indices.length };
}

/** A seeded random split into training and validation records. */
export function splitValidation(set: LabeledImages, validationCount: number, seed = 0): { train: LabeledImages; validation: LabeledImages } {
  if (!Number.isInteger(validationCount) || validationCount < 0 || validationCount >= set.count) {
    throw new Error(`validationCount must be an integer in 0..${set.count - 1}, got ${validationCount}`);
  }
  const order = permutation(set.count, seededRandom(seed));
  return { validation: gather(set, order.subarray(0, validationCount)), train: gather(set, order.subarray(validationCount)) };
}

/** Writes record `r` as floats at `out[offset..]`, shifted (zero-padded) and flipped when `shift` says so. */
function writeImage(
  set: LabeledImages,
  r: number,
  out: Float32Array,
  offset: number,
  lut: Float32Array,
  shift?: { dy: number; dx: number; flip: boolean },
): void {
  const [h, w, c] = set.imageShape;
  const pixels = h * w * c;
  const base = r * pixels;
  const src = set.images;
  if (!shift) {
    if (c === 1) for (let j = 0; j < pixels; j++) out[offset + j] = lut[src[base + j]];
    else for (let j = 0; j < pixels; j++) out[offset + j] = lut[(j % c) * 256 + src[base + j]];
    return;
  }
  for (let y = 0; y < h; y++) {
    const sy = y + shift.dy;
    for (let x = 0; x < w; x++) {
      const sx = (shift.flip ? w - 1 - x : x) + shift.dx;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      const o = offset + (y * w + x) * c;
      const s = base + (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[o + k] = lut[k * 256 + (inside ? src[s + k] : 0)];
    }
  }
}

function labelTensor(labels: Uint8Array, encoding: LabelEncoding, numClasses: number): tf.Tensor {
  if (encoding === 'int') return tf.tensor1d(Int32Array.from(labels), 'int32');
  const hot = new Float32Array(labels.length * numClasses);
  labels.forEach((label, i) => (hot[i * numClasses + label] = 1));
  return tf.tensor2d(hot, [labels.length, numClasses]);
}

/** The whole set as tensors: x [N, H, W, C] float32, y one-hot [N, classes] or int [N]. */
export function toTensors(set: LabeledImages, options: TensorOptions = {}): Batch {
  const [h, w, c] = set.imageShape;
  const lut = scaleTable(options.scale ?? 'unit', c);
  const values = new Float32Array(set.images.length);
  for (let r = 0; r < set.count; r++) writeImage(set, r, values, r * h * w * c, lut);
  return {
    x: tf.tensor4d(values, [set.count, h, w, c]),
    y: labelTensor(set.labels, options.labels ?? 'one-hot', set.numClasses),
  };
}

/**
 * Batches of one epoch, shuffled and augmented from (seed, epoch) so that every machine sees the
 * same batches. Each batch's tensors are disposed when the next one is taken and when the loop
 * ends: clone what must outlive its step.
 */
export function* batches(set: LabeledImages, options: BatchOptions): Generator<Batch, void, undefined> {
  const { batchSize, seed = 0, epoch = 0, shuffle = true, augment, dropRemainder = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const [h, w, c] = set.imageShape;
  const lut = scaleTable(options.scale ?? 'unit', c);
  // Separate streams for order and augmentation, each fixed by (seed, epoch).
  const order = shuffle ? permutation(set.count, seededRandom(seed * 7919 + epoch)) : Uint32Array.from({ length: set.count }, (_, i) => i);
  const random = seededRandom(seed * 104729 + epoch + 1);
  const last = dropRemainder ? set.count - (set.count % batchSize) : set.count;
  let current: Batch | undefined;
  try {
    for (let start = 0; start < last; start += batchSize) {
      const n = Math.min(batchSize, last - start);
      const values = new Float32Array(n * h * w * c);
      const labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const r = order[start + i];
        const shift = augment && {
          dy: Math.floor(random() * (2 * augment.pad + 1)) - augment.pad,
          dx: Math.floor(random() * (2 * augment.pad + 1)) - augment.pad,
          flip: augment.flip && random() < 0.5,
        };
        writeImage(set, r, values, i * h * w * c, lut, shift);
        labels[i] = set.labels[r];
      }
      if (current) tf.dispose([current.x, current.y]);
      current = { x: tf.tensor4d(values, [n, h, w, c]), y: labelTensor(labels, options.labels ?? 'one-hot', set.numClasses) };
      yield current;
    }
  } finally {
    if (current) tf.dispose([current.x, current.y]);
  }
}
