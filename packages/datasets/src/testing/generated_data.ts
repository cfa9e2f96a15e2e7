// Test helpers: dataset folders made on the spot, so the tests need nothing outside the repository.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATASETS } from '../catalog';
import { embeddedDir } from '../resolve';

/** One CIFAR record: the label bytes, then 3 x 1024 pixels where pixel (p, channel k) is (p + 50 * k) % 256. */
export function cifarRecord(labels: number[]): number[] {
  const pixels = Array.from({ length: 3 * 1024 }, (_, i) => ((i % 1024) + 50 * Math.floor(i / 1024)) % 256);
  return [...labels, ...pixels];
}

/** A CIFAR-10 batch of `perClass` records of each class, the classes in turn (0, 1, ..., 9, 0, ...). */
export const cifar10Batch = (perClass: number): Uint8Array => Uint8Array.from(Array.from({ length: perClass * 10 }, (_, i) => cifarRecord([i % 10])).flat());

/** A CIFAR-10 folder: data_batch_1.bin, test_batch.bin and batches.meta.txt. */
export function writeCifar10Folder(dir: string, trainPerClass: number, testPerClass: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'data_batch_1.bin'), cifar10Batch(trainPerClass));
  writeFileSync(path.join(dir, 'test_batch.bin'), cifar10Batch(testPerClass));
  writeFileSync(path.join(dir, 'batches.meta.txt'), `${DATASETS.cifar10.classes.join('\n')}\n`);
}

/** The embedded MNIST test files (t10k-*.gz, the real MNIST test set). */
export const embeddedMnistFile = (kind: 'images' | 'labels'): string =>
  path.join(embeddedDir(), 'mnist-10k', kind === 'images' ? 't10k-images-idx3-ubyte.gz' : 't10k-labels-idx1-ubyte.gz');

/** An MNIST folder whose training and test files are both the real MNIST test set. */
export function writeMnistFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const kind of ['images', 'labels'] as const) {
    const file = embeddedMnistFile(kind);
    copyFileSync(file, path.join(dir, path.basename(file)));
    copyFileSync(file, path.join(dir, path.basename(file).replace('t10k', 'train')));
  }
}
