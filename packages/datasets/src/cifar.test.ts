import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CIFAR10_FORMAT, cifar100Format, parseCifar, readCifarFile } from './cifar';
import { DatasetError } from './errors';
import { cifar10Batch, cifarRecord as record } from './testing/generated_data';

describe('parseCifar', () => {
  test('converts R, G, B planes to interleaved NHWC', () => {
    const set = parseCifar(Uint8Array.from([...record([3]), ...record([9])]), 'b.bin', CIFAR10_FORMAT);
    expect(set).toMatchObject({ count: 2, imageShape: [32, 32, 3], numClasses: 10 });
    expect(Array.from(set.labels)).toEqual([3, 9]);
    // pixel 33 (row 1, column 1): R = 33, G = 83, B = 133
    expect(Array.from(set.images.subarray(33 * 3, 33 * 3 + 3))).toEqual([33, 83, 133]);
    expect(Array.from(set.images.subarray(3072 + 33 * 3, 3072 + 33 * 3 + 3))).toEqual([33, 83, 133]);
  });

  test('CIFAR-100 records carry a coarse then a fine label byte', () => {
    const bytes = Uint8Array.from([...record([4, 72]), ...record([19, 99])]);
    expect(Array.from(parseCifar(bytes, 'c100.bin', cifar100Format('fine')).labels)).toEqual([72, 99]);
    expect(Array.from(parseCifar(bytes, 'c100.bin', cifar100Format('coarse')).labels)).toEqual([4, 19]);
    expect(parseCifar(bytes, 'c100.bin', cifar100Format('coarse')).numClasses).toBe(20);
  });

  test('reads a batch file from disk: 1,000 records, 100 per class, every pixel in place', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'st-cifar-'));
    try {
      const file = path.join(dir, 'test_batch.bin');
      writeFileSync(file, cifar10Batch(100));
      const set = readCifarFile(file, CIFAR10_FORMAT);
      expect(set.count).toBe(1000);
      const counts = new Array(10).fill(0);
      set.labels.forEach((l) => counts[l]++);
      expect(counts).toEqual(new Array(10).fill(100));
      // the last record's pixel 1023 (row 31, column 31): R = 1023 % 256, G = (1023 + 50) % 256, B = (1023 + 100) % 256
      expect(Array.from(set.images.subarray(set.images.length - 3))).toEqual([255, 49, 99]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses a size that is not a whole number of records, naming where the partial record starts', () => {
    const bytes = Uint8Array.from([...record([1]), 7, 7, 7]);
    expect(() => parseCifar(bytes, 'short.bin', CIFAR10_FORMAT)).toThrow(/short\.bin \(byte 3073\): size 3076 is not a multiple of the 3073-byte record/);
  });

  test('refuses an empty file and an out-of-range label, as DatasetErrors', () => {
    expect(() => parseCifar(new Uint8Array(0), 'empty.bin', CIFAR10_FORMAT)).toThrow(DatasetError);
    expect(() => parseCifar(Uint8Array.from([...record([1]), ...record([12])]), 'lab.bin', CIFAR10_FORMAT)).toThrow(
      /lab\.bin \(byte 3073\): label 12 of record 1 is out of range 0..9/,
    );
    expect(() => parseCifar(Uint8Array.from(record([3, 100])), 'c100.bin', cifar100Format('fine'))).toThrow(/\(byte 1\): label 100/);
  });
});
