import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatasetError, DatasetNotFoundError } from './errors';
import { loadDataset } from './load';
import { embeddedDir, resolveDataset } from './resolve';
import { fixture } from '../../../tools/testing/fixtures';
import { writeCifar10Folder, writeMnistFolder } from './testing/generated_data';

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

  describe('from folders', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'st-load-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test('MNIST from a folder of its four files, with the documented class counts of the real test set', () => {
      writeMnistFolder(path.join(root, 'mnist'));
      const d = loadDataset('mnist', { path: path.join(root, 'mnist') });
      expect([d.train.count, d.test.count]).toEqual([10000, 10000]);
      // MNIST's t10k class counts, as published with the dataset.
      expect(classCounts(d.test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
      expect(d.files.map((f) => path.basename(f))).toEqual([
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte.gz',
        't10k-images-idx3-ubyte.gz',
        't10k-labels-idx1-ubyte.gz',
      ]);
    });

    test("Fashion-MNIST from the system folder (Debian's package installs there), with its class names", () => {
      cpSync(fixture('fashion-mnist-1k'), path.join(root, 'system', 'fashion-mnist'), { recursive: true });
      const d = loadDataset('fashion-mnist', { env: {}, systemDir: path.join(root, 'system') });
      expect(d.place).toBe('system');
      expect([d.train.count, d.test.count]).toEqual([1000, 1000]);
      // Counted independently with Python's gzip on the fixture (fixtures/README.md).
      expect(classCounts(d.test.labels)).toEqual([107, 105, 111, 93, 115, 87, 97, 95, 95, 95]);
      expect(d.classes[9]).toBe('Ankle boot');
    });

    test('CIFAR-10 reads the batches that are present and its class names file', () => {
      writeCifar10Folder(path.join(root, 'cifar10'), 30, 20);
      const d = loadDataset('cifar10', { path: path.join(root, 'cifar10') });
      expect([d.train.count, d.test.count]).toEqual([300, 200]);
      expect(d.files.map((f) => path.basename(f))).toEqual(['data_batch_1.bin', 'test_batch.bin']);
      expect(d.classes).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
      expect(classCounts(d.train.labels)).toEqual(new Array(10).fill(30));
    });

    test.each([
      ['nine names', 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\n', /batches\.meta\.txt: lists 9 class names; the labels have 10 classes/],
      ['a repeated name', 'cat\ncat\nbird\ndeer\ndog\nfrog\nhorse\nship\ntruck\nplane\n', /batches\.meta\.txt: names class 'cat' twice/],
    ])("CIFAR-10's class names file with %s is a DatasetError naming it", (_, names, message) => {
      const dir = path.join(root, 'cifar10');
      writeCifar10Folder(dir, 3, 2);
      writeFileSync(path.join(dir, 'batches.meta.txt'), names);
      expect(() => loadDataset('cifar10', { path: dir })).toThrow(DatasetError);
      expect(() => loadDataset('cifar10', { path: dir })).toThrow(message);
    });

    test('an empty split is a DatasetError naming its file, not a run that trains on nothing', () => {
      const dir = path.join(root, 'mnist');
      writeMnistFolder(dir);
      // The test split as IDX files of zero records: [0, 28, 28] images and [0] labels.
      const idx = (type: number, dims: number[]) => Buffer.from([0, 0, 8, type, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])]);
      for (const f of readdirSync(dir).filter((f) => f.startsWith('t10k'))) rmSync(path.join(dir, f));
      writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx(3, [0, 28, 28]));
      writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), idx(1, [0]));
      expect(() => loadDataset('mnist', { path: dir })).toThrow(/t10k-images-idx3-ubyte \(byte 4\): holds no images/);
    });
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
    expect(attempt).toThrow(DatasetNotFoundError);
    expect(attempt).toThrow(/^[^\n]*$/);
  });

  test('an explicit path without the files is an error naming it, not a fall-through', () => {
    expect(() => resolveDataset('mnist', { path: root })).toThrow(new RegExp(`${root}: no mnist dataset here: missing train-images-idx3-ubyte`));
  });
});
