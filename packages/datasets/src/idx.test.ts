import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DatasetError } from './errors';
import { parseIdx } from './idx';
import { pairIdx } from './labeled_images';

const embedded = (f: string) => readFileSync(path.join(__dirname, '../data/mnist-10k', f));

/** An IDX header for unsigned bytes with the given dimensions, followed by `data`. */
function idx(dims: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, 8, dims.length]);
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...header, ...data]);
}

describe('parseIdx', () => {
  test('reads the real MNIST test set, gzipped or raw, with its documented class counts', () => {
    const gz = embedded('t10k-labels-idx1-ubyte.gz');
    const labels = parseIdx(gz, 'labels.gz');
    expect(labels.dims).toEqual([10000]);
    const counts = new Array(10).fill(0);
    labels.data.forEach((l) => counts[l]++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Array.from(parseIdx(gunzipSync(gz), 'labels').data)).toEqual(Array.from(labels.data));
    const images = parseIdx(embedded('t10k-images-idx3-ubyte.gz'), 'images.gz');
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(images.data.length).toBe(7840000);
    expect(labels.data[0]).toBe(7); // the first MNIST test digit is a 7
  });

  test('reads a hand-built file exactly (big-endian dimensions)', () => {
    const parsed = parseIdx(idx([2, 1, 300], Array.from({ length: 600 }, (_, i) => i % 256)), 'x');
    expect(parsed.dims).toEqual([2, 1, 300]);
    expect(parsed.data[299]).toBe(299 % 256);
  });

  const bad: [string, Uint8Array, RegExp, number][] = [
    ['an empty file', new Uint8Array(0), /empty file/, 0],
    ['a truncated header', Uint8Array.from([0, 0, 8]), /truncated IDX header/, 3],
    ['a wrong magic number', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /not an IDX file: magic starts 0x504b/, 0],
    ['a non-byte data type', Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), /data type 0x0d/, 2],
    ['dimensions cut short', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]), /3 dimensions need 16 bytes/, 8],
    ['truncated data', idx([4, 2], [1, 2, 3]), /need 8 data bytes, file has 3/, 15],
    ['trailing bytes', idx([2], [1, 2, 3]), /1 bytes after/, 10],
    ['a gzip that is not one', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]), /not a valid gzip stream/, 0],
  ];
  test.each(bad)('refuses %s with a DatasetError naming the file and byte offset', (_case, bytes, message, offset) => {
    let error: unknown;
    try {
      parseIdx(bytes, 'bad-file.idx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe('bad-file.idx');
    expect((error as DatasetError).offset).toBe(offset);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^bad-file\.idx \(byte \d+\): /);
  });

  test('a gzip bomb (a 784-byte image followed by 512 MB of zeros) is refused without inflating it', () => {
    // Made in 64 MB pieces so that the test itself stays small.
    const zeros = gzipSync(new Uint8Array(64 << 20), { level: 9 });
    const head = gzipSync(idx([1, 28, 28], new Array(784).fill(7)));
    const bomb = Buffer.concat([head, ...new Array(8).fill(zeros)]); // concatenated gzip members: one stream to gunzip
    expect(bomb.length).toBeLessThan(1 << 20);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => parseIdx(bomb, 'bomb.gz')).toThrow(/bomb\.gz \(byte 0\): decompresses to more than the 800 bytes its header declares/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
    // A header declaring more than the compressed bytes could ever hold: refused before inflating.
    expect(() => parseIdx(gzipSync(idx([1 << 30], [1, 2, 3])), 'claims.gz')).toThrow(/claims\.gz \(byte \d+\): truncated: its header declares 1073741832 bytes, more than \d+ compressed bytes can hold/);
  });

  test('a truncated gzip of a real file is refused, not half-read', () => {
    const gz = gzipSync(embedded('t10k-labels-idx1-ubyte.gz'));
    expect(() => parseIdx(gz.subarray(0, gz.length - 100), 'cut.gz')).toThrow(DatasetError);
  });
});

describe('pairIdx', () => {
  const files = { images: 'img', labels: 'lab' };
  test('pairs images and labels as NHWC with one channel', () => {
    const set = pairIdx(parseIdx(idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), 'img'), parseIdx(idx([2], [3, 9]), 'lab'), 10, files);
    expect(set).toMatchObject({ count: 2, imageShape: [2, 2, 1], numClasses: 10 });
    expect(Array.from(set.labels)).toEqual([3, 9]);
  });

  test('refuses image and label counts that differ', () => {
    expect(() => pairIdx(parseIdx(idx([2, 1, 1], [1, 2]), 'img'), parseIdx(idx([3], [1, 2, 3]), 'lab'), 10, files)).toThrow(
      /lab \(byte 4\): 3 labels for 2 images in img/,
    );
  });

  test('refuses a label out of range, naming its byte offset', () => {
    expect(() => pairIdx(parseIdx(idx([3, 1, 1], [1, 2, 3]), 'img'), parseIdx(idx([3], [1, 2, 10]), 'lab'), 10, files)).toThrow(
      /lab \(byte 10\): label 10 of record 2 is out of range 0..9/,
    );
  });
});
