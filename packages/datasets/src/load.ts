import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CIFAR10_FORMAT, cifar100Format, readCifarFile } from './cifar';
import { DATASETS, MNIST_10K, type CifarLayout, type DatasetName, type IdxLayout } from './catalog';
import { DatasetError } from './errors';
import { readIdxFile } from './idx';
import { concatImages, pairIdx, sliceImages, type LabeledImages } from './labeled_images';
import { findFile, resolveDataset, type ResolveOptions } from './resolve';

export interface Dataset {
  /** A catalog name, or 'image-folder' for a user's folder of images. */
  name: DatasetName | 'image-folder';
  classes: string[];
  train: LabeledImages;
  test: LabeledImages;
  /** The folder the files were read from, and which of the lookup places it is. */
  source: string;
  place: string;
  /** The files read, in order. */
  files: string[];
}

export interface LoadOptions extends ResolveOptions {
  /** CIFAR-100: the 100 fine labels (default) or the 20 coarse ones. */
  cifar100Label?: 'fine' | 'coarse';
}

function loadIdxPair(dir: string, files: { images: string; labels: string }, numClasses: number, read: string[]): LabeledImages {
  const images = findFile(dir, files.images)!;
  const labels = findFile(dir, files.labels)!;
  read.push(images, labels);
  return pairIdx(readIdxFile(images), readIdxFile(labels), numClasses, { images, labels });
}

function loadCifar(dir: string, layout: CifarLayout, label: 'fine' | 'coarse', read: string[]) {
  const format = layout.labelBytes === 1 ? CIFAR10_FORMAT : cifar100Format(label);
  const readOne = (f: string) => {
    read.push(path.join(dir, f));
    return readCifarFile(path.join(dir, f), format);
  };
  const trainFiles = layout.train.filter((f, i) => i === 0 || existsSync(path.join(dir, f)));
  return { train: concatImages(trainFiles.map(readOne)), test: readOne(layout.test) };
}

/** Label names from a text file of one name per line, if the dataset folder has one: one distinct name per class. */
function namesFile(dir: string, file: string, classes: number): string[] | undefined {
  const full = path.join(dir, file);
  if (!existsSync(full)) return undefined;
  const names = readFileSync(full, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== classes) throw new DatasetError(`lists ${names.length} class names; the labels have ${classes} classes`, full);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new DatasetError(`names class '${repeated}' twice`, full);
  return names;
}

/**
 * Loads a named dataset (see resolveDataset for where it looks). CIFAR-10 reads whichever of
 * data_batch_1..5.bin are present (at least the first); `files` lists what was read.
 */
export function loadDataset(name: DatasetName, options: LoadOptions = {}): Dataset {
  const { dir, place } = resolveDataset(name, options);
  const files: string[] = [];
  if (name === 'mnist-10k') {
    const all = loadIdxPair(dir, (DATASETS.mnist.layout as IdxLayout).test, 10, files);
    if (all.count !== MNIST_10K.trainCount + MNIST_10K.testCount) {
      throw new DatasetError(`expected the 10,000-image MNIST test set, found ${all.count} images`, files[0]);
    }
    const train = sliceImages(all, 0, MNIST_10K.trainCount);
    const test = sliceImages(all, MNIST_10K.trainCount, all.count);
    return { name, classes: DATASETS.mnist.classes, train, test, source: dir, place, files };
  }
  const spec = DATASETS[name];
  const { layout } = spec;
  if (layout.kind === 'idx') {
    const train = loadIdxPair(dir, layout.train, spec.classes.length, files);
    const test = loadIdxPair(dir, layout.test, spec.classes.length, files);
    return { name, classes: spec.classes, train, test, source: dir, place, files };
  }
  const label = options.cifar100Label ?? 'fine';
  const { train, test } = loadCifar(dir, layout, label, files);
  const classes =
    name === 'cifar10'
      ? (namesFile(dir, 'batches.meta.txt', train.numClasses) ?? spec.classes)
      : (namesFile(dir, `${label}_label_names.txt`, train.numClasses) ?? Array.from({ length: train.numClasses }, (_, i) => `class ${i}`));
  return { name, classes, train, test, source: dir, place, files };
}
