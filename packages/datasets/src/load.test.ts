import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatasetError } from './errors';
import { loadDataset } from './load';
import { embeddedDir, resolveDataset } from './resolve';
import { sharedDataset } from './testing/shared_data';

const classCounts = (labels: Uint8Array, n = 10) => {
  const counts = new Array(n).fill(0);
  labels.forEach((l) => counts[l]++);
  return counts;
};

describe('loadDataset', () => {
  test("'mnist-10k' is embedded: the real MNIST test set split 8,000 / 2,000 in file order", () => {
    const d = loadDataset('mnist-10k', { env: {}, systemDir: '/nonexistent' });
    expect(d.place).toBe('embedded');
    expect([d.train.count, d.test.count]).toEqual([8000, 2000]);
    expect(d.train.imageShape).toEqual([28, 28, 1]);
    // Counts computed independently (Python's gzip on the same file); documented in the README.
    expect(classCounts(d.train.labels)).toEqual([773, 905, 834, 803, 788, 723, 756, 813, 787, 818]);
    expect(classCounts(d.test.labels)).toEqual([207, 230, 198, 207, 194, 169, 202, 215, 187, 191]);
    expect(d.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  test('full MNIST from a folder: 60,000 / 10,000 with the documented class counts', () => {
    const d = loadDataset('mnist', { path: sharedDataset('mnist') });
    expect([d.train.count, d.test.count]).toEqual([60000, 10000]);
    expect(classCounts(d.train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(d.files.map((f) => path.basename(f))).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
  });

  test("Fashion-MNIST from Debian's package folder, /usr/share/datasets/fashion-mnist", () => {
    const d = loadDataset('fashion-mnist', { env: {} });
    expect(d.place).toBe('system');
    expect([d.train.count, d.test.count]).toEqual([60000, 10000]);
    expect(classCounts(d.test.labels)).toEqual(new Array(10).fill(1000));
    expect(d.classes[9]).toBe('Ankle boot');
  });

  test('CIFAR-10 reads the batches that are present and its class names file', () => {
    const d = loadDataset('cifar10', { path: sharedDataset('cifar10') });
    expect([d.train.count, d.test.count]).toEqual([10000, 10000]);
    expect(d.files.map((f) => path.basename(f))).toEqual(['data_batch_1.bin', 'test_batch.bin']);
    expect(d.classes).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    expect(classCounts(d.train.labels)).toEqual(new Array(10).fill(1000));
  });
});

describe('resolveDataset looks in order: path, $SPARSE_TERNARY_DATA, cache, system folder, embedded', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'st-resolve-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const placeMnist10k = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    cpSync(path.join(embeddedDir(), 'mnist-10k'), dir, { recursive: true });
  };

  test('each place wins over the ones after it', () => {
    const env = { SPARSE_TERNARY_DATA: path.join(root, 'data'), XDG_CACHE_HOME: path.join(root, 'cache') };
    const systemDir = path.join(root, 'system');
    const options = { env, systemDir };
    expect(resolveDataset('mnist-10k', options).place).toBe('embedded');
    placeMnist10k(path.join(systemDir, 'mnist-10k'));
    expect(resolveDataset('mnist-10k', options)).toEqual({ dir: path.join(systemDir, 'mnist-10k'), place: 'system' });
    placeMnist10k(path.join(root, 'cache', 'sparse-ternary', 'datasets', 'mnist-10k'));
    expect(resolveDataset('mnist-10k', options).place).toBe('cache');
    placeMnist10k(path.join(root, 'data', 'mnist-10k'));
    expect(resolveDataset('mnist-10k', options).place).toBe('SPARSE_TERNARY_DATA');
    placeMnist10k(path.join(root, 'mine'));
    expect(resolveDataset('mnist-10k', { ...options, path: path.join(root, 'mine') }).place).toBe('path');
  });

  test('a name found nowhere lists every place looked at and how to get the files', () => {
    mkdirSync(path.join(root, 'system', 'cifar10'), { recursive: true });
    const attempt = () => resolveDataset('cifar10', { env: { XDG_CACHE_HOME: path.join(root, 'cache') }, systemDir: path.join(root, 'system') });
    expect(attempt).toThrow(DatasetError);
    expect(attempt).toThrow(/\$SPARSE_TERNARY_DATA is not set/);
    expect(attempt).toThrow(new RegExp(`${path.join(root, 'cache', 'sparse-ternary', 'datasets', 'cifar10')} \\(no such folder\\)`));
    expect(attempt).toThrow(/system\/cifar10 \(missing data_batch_1\.bin, test_batch\.bin\)/);
    expect(attempt).toThrow(/download\('cifar10'/);
  });

  test('an explicit path without the files is an error naming it, not a fall-through', () => {
    expect(() => resolveDataset('mnist', { path: root })).toThrow(new RegExp(`${root}: no mnist dataset here: missing train-images-idx3-ubyte`));
  });
});
