import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatasetError } from './errors';
import { isImageFolder, loadImageFolder, type ImageFolderOptions } from './image_folder';
import { loadDatasetFrom } from './load_source';
import { resizeAndCrop } from './resize';

let root: string;
beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'image-folder-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** RGB bytes of a width x height image whose pixel (x, y) channel k is (seed + 7x + 13y + 50k) % 256. */
function pattern(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let k = 0; k < 3; k++) rgb[(y * width + x) * 3 + k] = (seed + 7 * x + 13 * y + 50 * k) % 256;
  return rgb;
}

function writePng(file: string, width: number, height: number, rgb: Uint8Array, alpha = 255): void {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    png.data.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    png.data[p * 4 + 3] = alpha;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png));
}

/** Writes `counts[k]` PNGs of `size` x `size` for each class k under dir/<class>/, seeded by class and index. */
function writeClasses(dir: string, classes: string[], counts: number[], size = 4): void {
  classes.forEach((c, k) => {
    for (let i = 0; i < counts[k]; i++) writePng(path.join(dir, c, `${i}.png`), size, size, pattern(size, size, 40 * k + i));
  });
}

const options = (extra: Partial<ImageFolderOptions> = {}): ImageFolderOptions => ({ size: [4, 4], cache: false, ...extra });

describe('loadImageFolder', () => {
  it('reads train/ and test/ class folders: classes sorted, labels by class, pixels exact', () => {
    writeClasses(path.join(root, 'train'), ['dog', 'cat'], [2, 3]);
    writeClasses(path.join(root, 'test'), ['dog', 'cat'], [1, 1]);
    const data = loadImageFolder(root, options());
    expect(data.name).toBe('image-folder');
    expect(data.classes).toEqual(['cat', 'dog']);
    expect([...data.train.labels]).toEqual([0, 0, 0, 1, 1]);
    expect([...data.test.labels]).toEqual([0, 1]);
    expect(data.train.imageShape).toEqual([4, 4, 3]);
    // train/cat/1.png is class 'cat' (written as class index 1, image 1): seed 41.
    expect([...data.train.images.subarray(48, 96)]).toEqual([...pattern(4, 4, 41)]);
    expect(data.train.numClasses).toBe(2);
  });

  it('accepts val/ as the test folder, and images in nested folders and upper-case extensions', () => {
    writeClasses(path.join(root, 'train'), ['a', 'b'], [1, 1]);
    writePng(path.join(root, 'val', 'a', 'deep', 'X.PNG'), 4, 4, pattern(4, 4, 9));
    writePng(path.join(root, 'val', 'b', 'y.png'), 4, 4, pattern(4, 4, 10));
    writeFileSync(path.join(root, 'val', 'b', 'notes.txt'), 'not an image');
    const data = loadImageFolder(root, options());
    expect(data.test.count).toBe(2);
    expect([...data.test.images.subarray(0, 48)]).toEqual([...pattern(4, 4, 9)]);
  });

  it('resizes the shorter side and crops the centre, as resizeAndCrop does; drops alpha', () => {
    const rgb = pattern(12, 6, 3);
    writePng(path.join(root, 'train', 'a', '0.png'), 12, 6, rgb, 128);
    writePng(path.join(root, 'test', 'a', '0.png'), 12, 6, rgb);
    const data = loadImageFolder(root, options({ size: [3, 3] }));
    const expected = resizeAndCrop({ width: 12, height: 6, channels: 3, pixels: rgb }, 3, 3);
    expect([...data.train.images]).toEqual([...expected.pixels]);
    expect([...data.test.images]).toEqual([...expected.pixels]);
  });

  it('decodes JPEG, and converts to grey for one channel', () => {
    const flat = new Uint8Array(8 * 8 * 4).map((_, i) => [200, 100, 50, 255][i % 4]);
    for (const split of ['train', 'test']) {
      mkdirSync(path.join(root, split, 'a'), { recursive: true });
      writeFileSync(path.join(root, split, 'a', 'p.jpg'), jpeg.encode({ data: flat, width: 8, height: 8 }, 100).data);
    }
    const rgb = loadImageFolder(root, options({ size: [8, 8] }));
    expect(Math.max(...[...rgb.train.images].map((v, i) => Math.abs(v - [200, 100, 50][i % 3])))).toBeLessThanOrEqual(3);
    const grey = loadImageFolder(root, options({ size: [8, 8], channels: 1 }));
    expect(grey.train.imageShape).toEqual([8, 8, 1]);
    // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2
    expect(Math.abs(grey.train.images[0] - 124)).toBeLessThanOrEqual(3);
  });

  it('without a test folder holds out a seeded part of each class', () => {
    writeClasses(root, ['a', 'b', 'c'], [5, 5, 10]);
    const data = loadImageFolder(root, options({ testFraction: 0.2, seed: 3 }));
    expect([...data.test.labels]).toEqual([0, 1, 2, 2]);
    expect(data.train.count).toBe(16);
    expect(data.files.length).toBe(20);
    expect(new Set(data.files).size).toBe(20);
    const again = loadImageFolder(root, options({ testFraction: 0.2, seed: 3 }));
    expect([...again.test.images]).toEqual([...data.test.images]);
    const other = loadImageFolder(root, options({ testFraction: 0.2, seed: 4 }));
    expect([...other.test.images]).not.toEqual([...data.test.images]);
  });

  it('caches decoded images: the second load decodes nothing, a changed file is decoded again', () => {
    writeClasses(path.join(root, 'data', 'train'), ['a', 'b'], [2, 2]);
    writeClasses(path.join(root, 'data', 'test'), ['a', 'b'], [1, 1]);
    const cache = path.join(root, 'cache');
    let decoded = 0;
    const load = () => loadImageFolder(path.join(root, 'data'), options({ cache, onProgress: () => decoded++ }));
    const first = load();
    expect(decoded).toBe(6);
    const second = load();
    expect(decoded).toBe(6);
    expect([...second.train.images]).toEqual([...first.train.images]);
    utimesSync(path.join(root, 'data', 'train', 'a', '0.png'), new Date(), new Date(2000, 1, 1));
    load();
    expect(decoded).toBe(12);
  });
});

describe('image folder errors name the file or folder', () => {
  const error = (fn: () => unknown): DatasetError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      return e as DatasetError;
    }
    throw new Error('expected a DatasetError');
  };

  it('an unreadable image', () => {
    writeClasses(path.join(root, 'train'), ['a'], [1]);
    writeClasses(path.join(root, 'test'), ['a'], [1]);
    const whole = PNG.sync.write(new PNG({ width: 4, height: 4 }));
    writeFileSync(path.join(root, 'train', 'a', 'broken.png'), whole.subarray(0, whole.length - 20)); // truncated
    writeFileSync(path.join(root, 'test', 'a', 'text.jpg'), 'hello');
    expect(error(() => loadImageFolder(root, options())).message).toMatch(/broken\.png: cannot decode image/);
    rmSync(path.join(root, 'train', 'a', 'broken.png'));
    expect(error(() => loadImageFolder(root, options())).message).toMatch(/text\.jpg: not a PNG or JPEG image/);
  });

  it('a PNG whose header declares more pixels than the limit is refused before inflating', () => {
    writeClasses(path.join(root, 'train'), ['a'], [1]);
    writeClasses(path.join(root, 'test'), ['a'], [1]);
    const png = Buffer.from(PNG.sync.write(new PNG({ width: 4, height: 4 })));
    png.writeUInt32BE(100000, 16);
    png.writeUInt32BE(100000, 20);
    writeFileSync(path.join(root, 'test', 'a', 'huge.png'), png);
    expect(error(() => loadImageFolder(root, options())).message).toMatch(/huge\.png: image is 100000x100000, above the limit/);
  });

  it('an empty class, mismatched class sets, no class folders, no test image', () => {
    writeClasses(path.join(root, 'train'), ['a', 'b'], [1, 1]);
    mkdirSync(path.join(root, 'train', 'empty'));
    expect(error(() => loadImageFolder(root, options())).message).toMatch(/train\/empty: class 'empty' has no image/);
    rmSync(path.join(root, 'train', 'empty'), { recursive: true });
    writeClasses(path.join(root, 'test'), ['a', 'c'], [1, 1]);
    expect(error(() => loadImageFolder(root, options())).message).toMatch(/test: class folders differ from the training set's: no test folder for b; classes not in .*train: c/);
    rmSync(path.join(root, 'test'), { recursive: true });
    expect(error(() => loadImageFolder(root, options())).message).toMatch(/no test images/);
    expect(error(() => loadImageFolder(path.join(root, 'train', 'a'), options())).message).toMatch(/no class folders/);
    expect(error(() => loadImageFolder(path.join(root, 'nope'), options())).message).toMatch(/nope: no such folder/);
  });
});

describe('loadDatasetFrom with an image folder', () => {
  it('is recognized, and needs the size to resize to', () => {
    writeClasses(path.join(root, 'train'), ['a', 'b'], [2, 2]);
    writeClasses(path.join(root, 'test'), ['a', 'b'], [1, 1]);
    expect(isImageFolder(root)).toBe(true);
    expect(isImageFolder(path.join(root, 'train', 'a'))).toBe(false);
    // an empty first class still makes it an image folder, and the error names that class
    mkdirSync(path.join(root, 'train', '0_empty'));
    expect(isImageFolder(root)).toBe(true);
    expect(() => loadDatasetFrom(root, { size: [2, 2], cache: false })).toThrow(/0_empty: class '0_empty' has no image/);
    rmSync(path.join(root, 'train', '0_empty'), { recursive: true });
    expect(() => loadDatasetFrom(root)).toThrow(/is a folder of images: give the size/);
    const data = loadDatasetFrom(root, { size: [2, 2], cache: false });
    expect(data.train.imageShape).toEqual([2, 2, 3]);
    expect(data.test.count).toBe(2);
  });
});
