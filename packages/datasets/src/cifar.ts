import { readFileSync } from 'node:fs';
import { DatasetError } from './errors';
import { checkLabels, type LabeledImages } from './labeled_images';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

export interface CifarFormat {
  /** 1 for CIFAR-10; 2 for CIFAR-100 (coarse label byte, then fine). */
  labelBytes: 1 | 2;
  /** CIFAR-100 only: which of its two labels to keep. */
  label?: 'fine' | 'coarse';
  numClasses: number;
}

export const CIFAR10_FORMAT: CifarFormat = { labelBytes: 1, numClasses: 10 };
export const cifar100Format = (label: 'fine' | 'coarse'): CifarFormat => ({ labelBytes: 2, label, numClasses: label === 'fine' ? 100 : 20 });

/**
 * Parses a CIFAR binary batch: records of label byte(s) then 1024 R, 1024 G and 1024 B values
 * (32x32 planes, row-major), converted to NHWC (interleaved RGB) as TF.js expects.
 */
export function parseCifar(bytes: Uint8Array, file: string, format: CifarFormat): LabeledImages {
  const record = format.labelBytes + PIXELS;
  if (bytes.length === 0) throw new DatasetError('empty file', file, 0);
  if (bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new DatasetError(`size ${bytes.length} is not a multiple of the ${record}-byte record: ${whole} whole records, then ${bytes.length % record} bytes`, file, whole * record);
  }
  const count = bytes.length / record;
  const labelIndex = format.labelBytes === 2 && format.label === 'fine' ? 1 : 0;
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * PIXELS);
  for (let n = 0; n < count; n++) {
    const base = n * record;
    labels[n] = bytes[base + labelIndex];
    const pixels = base + format.labelBytes;
    const out = n * PIXELS;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = bytes[pixels + p];
      images[out + 3 * p + 1] = bytes[pixels + PLANE + p];
      images[out + 3 * p + 2] = bytes[pixels + 2 * PLANE + p];
    }
  }
  checkLabels(labels, format.numClasses, file, labelIndex, record);
  return { images, labels, count, imageShape: [SIDE, SIDE, 3], numClasses: format.numClasses };
}

export function readCifarFile(file: string, format: CifarFormat): LabeledImages {
  return parseCifar(readFileSync(file), file, format);
}
