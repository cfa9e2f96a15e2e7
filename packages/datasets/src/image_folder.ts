// A user's own images in the layout torchvision's ImageFolder and Keras'
// image_dataset_from_directory read: train/<class>/*.png|jpg with test/ (or val/) beside it, or a
// single folder of class folders of which a seeded part per class is held out for testing.
import { seededRandom } from '@sparse-ternary/base';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from './errors';
import { decodeImage } from './image_decode';
import { decodedImagesCache, type DecodedImagesCache } from './image_cache';
import type { LabeledImages } from './labeled_images';
import type { Dataset } from './load';
import { permutation } from './pipeline';
import { resizeAndCrop, toGray } from './resize';
import { cacheDir } from './resolve';

export interface ImageFolderOptions {
  /** [height, width]: each image is scaled so its shorter side fits (aspect kept), then centre-cropped. */
  size: [number, number];
  /** 3 (RGB, default) or 1 (grey, PIL's luminance). */
  channels?: 1 | 3;
  /** Without test/ or val/: the fraction of each class held out as the test set (default 0.2), drawn with `seed`. */
  testFraction?: number;
  seed?: number;
  /** Where decoded images are cached between runs (default ~/.cache/sparse-ternary/decoded-images); false: never. */
  cache?: string | false;
  /** Called as images are decoded (not when they come from the cache). */
  onProgress?: (decoded: number, total: number) => void;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
export const TEST_FOLDERS = ['test', 'val', 'validation'];
const MAX_CLASSES = 256; // labels are bytes

const visible = (name: string) => !name.startsWith('.');
const subfolders = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => visible(e.name) && (e.isDirectory() || (e.isSymbolicLink() && statSync(path.join(dir, e.name)).isDirectory())))
    .map((e) => e.name)
    .sort();

/** Image files under a class folder, at any depth, in sorted order. */
function imagesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => visible(e.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (statSync(full).isDirectory()) found.push(...imagesUnder(full));
    else if (IMAGE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) found.push(full);
  }
  return found;
}

interface Split {
  classes: string[];
  /** Files of class k: files[k]. */
  files: string[][];
}

function readSplit(dir: string): Split {
  const classes = subfolders(dir);
  if (classes.length === 0) throw new DatasetError('no class folders (expected <class>/*.png or *.jpg)', dir);
  if (classes.length > MAX_CLASSES) throw new DatasetError(`${classes.length} class folders; at most ${MAX_CLASSES} are supported`, dir);
  const files = classes.map((c) => {
    const images = imagesUnder(path.join(dir, c));
    if (images.length === 0) throw new DatasetError(`class '${c}' has no image (${IMAGE_EXTENSIONS.join(', ')})`, path.join(dir, c));
    return images;
  });
  return { classes, files };
}

function checkSameClasses(train: Split, test: Split, trainDir: string, testDir: string): void {
  const missing = train.classes.filter((c) => !test.classes.includes(c));
  const extra = test.classes.filter((c) => !train.classes.includes(c));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `no test folder for ${missing.join(', ')}` : '', extra.length ? `classes not in ${trainDir}: ${extra.join(', ')}` : ''];
    throw new DatasetError(`class folders differ from the training set's: ${parts.filter(Boolean).join('; ')}`, testDir);
  }
}

/** Holds out round(fraction * n) images of each class (at least one where a class has two or more). */
function holdOut(all: Split, fraction: number, seed: number): { train: Split; test: Split } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`testFraction must be between 0 and 1, got ${fraction}`);
  const random = seededRandom(seed);
  const train: string[][] = [];
  const test: string[][] = [];
  for (const files of all.files) {
    const order = permutation(files.length, random);
    const held = files.length < 2 ? 0 : Math.max(1, Math.round(files.length * fraction));
    const picked = new Set(order.subarray(0, held));
    test.push(files.filter((_, i) => picked.has(i)));
    train.push(files.filter((_, i) => !picked.has(i)));
  }
  return { train: { classes: all.classes, files: train }, test: { classes: all.classes, files: test } };
}

/** The folder's splits: train/ with test/, val/ or validation/, else everything with a held-out test part. */
function findSplits(dir: string, options: ImageFolderOptions): { train: Split; test: Split } {
  const trainDir = path.join(dir, 'train');
  if (!existsSync(trainDir)) return holdOut(readSplit(dir), options.testFraction ?? 0.2, options.seed ?? 0);
  const train = readSplit(trainDir);
  const testName = TEST_FOLDERS.find((f) => existsSync(path.join(dir, f)));
  if (!testName) return holdOut(train, options.testFraction ?? 0.2, options.seed ?? 0);
  const test = readSplit(path.join(dir, testName));
  checkSameClasses(train, test, trainDir, path.join(dir, testName));
  return { train, test };
}

/** True when `dir` looks like an image folder: train/ or class folders holding images. */
export function isImageFolder(dir: string): boolean {
  const root = existsSync(path.join(dir, 'train')) ? path.join(dir, 'train') : dir;
  // Any class with images (an empty one is then reported by name).
  return subfolders(root).some((c) => imagesUnder(path.join(root, c)).length > 0);
}

/** Decodes, resizes and crops every file into one buffer of [N, H, W, C] bytes. */
function decodeAll(files: string[], options: ImageFolderOptions): Uint8Array {
  const [height, width] = options.size;
  const channels = options.channels ?? 3;
  const pixels = height * width * channels;
  const out = new Uint8Array(files.length * pixels);
  files.forEach((file, i) => {
    const rgb = decodeImage(readFileSync(file), file);
    const image = { width: rgb.width, height: rgb.height, channels: 3, pixels: rgb.pixels };
    const fitted = resizeAndCrop(channels === 1 ? toGray(image) : image, width, height);
    out.set(fitted.pixels, i * pixels);
    options.onProgress?.(i + 1, files.length);
  });
  return out;
}

function labeled(split: Split, images: Uint8Array, options: ImageFolderOptions): LabeledImages {
  const labels = Uint8Array.from(split.files.flatMap((files, k) => files.map(() => k)));
  return { images, labels, count: labels.length, imageShape: [options.size[0], options.size[1], options.channels ?? 3], numClasses: split.classes.length };
}

/**
 * Loads an image folder, resized and cropped to `size`. Decoded images are cached on disk under a
 * key of the files' paths, sizes and modification times and the output size, so a second run (and
 * every epoch) reads bytes instead of decoding. Errors are DatasetErrors naming the file or folder.
 */
export function loadImageFolder(dir: string, options: ImageFolderOptions): Dataset {
  const [height, width] = options.size;
  if (![height, width].every((v) => Number.isInteger(v) && v > 0)) throw new DatasetError(`image size must be two positive integers, got [${options.size}]`, dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetError('no such folder', dir);
  const { train, test } = findSplits(dir, options);
  if (test.files.every((f) => f.length === 0)) throw new DatasetError('no test images: add a test/ (or val/) folder or more images per class', dir);
  const files = [...train.files.flat(), ...test.files.flat()];
  const cache: DecodedImagesCache | undefined =
    options.cache === false ? undefined : decodedImagesCache(options.cache ?? path.join(path.dirname(cacheDir()), 'decoded-images'), files, options);
  let images = cache?.read();
  if (!images) {
    images = decodeAll(files, options);
    cache?.write(images);
  }
  const pixels = height * width * (options.channels ?? 3);
  const trainCount = train.files.flat().length;
  return {
    name: 'image-folder',
    classes: train.classes,
    train: labeled(train, images.subarray(0, trainCount * pixels), options),
    test: labeled(test, images.subarray(trainCount * pixels), options),
    source: dir,
    place: 'path',
    files,
  };
}
