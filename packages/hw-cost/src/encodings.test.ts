import { seededRandom } from '@sparse-ternary/base';
import { bestGapBits, bitmask, csr, denseTwoBit, EncodingError, packedTrits, relativeIndex, runLength, TERNARY_ENCODINGS, type TernaryMatrix } from './index';

function randomMatrix(rows: number, cols: number, sparsity: number, seed: number): TernaryMatrix {
  const random = seededRandom(seed);
  const values = Int8Array.from({ length: rows * cols }, () => (random() < sparsity ? 0 : random() < 0.5 ? -1 : 1));
  return { rows, cols, values };
}

const SPARSITIES = [0, 0.5, 0.9, 0.98, 1];
const SHAPES: [number, number][] = [
  [64, 300],
  [7, 13],
  [1, 1],
];

describe.each(TERNARY_ENCODINGS.map((e) => [e.name, e] as const))('%s', (_name, encoding) => {
  test.each(SPARSITIES)('sparsity %p: encoded length = predicted bits in bytes, and decode(encode(w)) = w', (sparsity) => {
    SHAPES.forEach(([rows, cols], i) => {
      const m = randomMatrix(rows, cols, sparsity, 10 + i);
      const bytes = encoding.encode(m);
      expect(bytes.length).toBe(Math.ceil(encoding.bits(m) / 8));
      expect(encoding.decode(bytes, rows, cols)).toEqual(m);
    });
  });
});

describe('hand-computed sizes of a 2 x 5 matrix [[0, 1, 0, 0, -1], [0, 0, 0, 0, 1]]', () => {
  const m: TernaryMatrix = { rows: 2, cols: 5, values: Int8Array.of(0, 1, 0, 0, -1, 0, 0, 0, 0, 1) };

  test('dense: 2 bits a weight; packed: 2 bytes for 10 trits', () => {
    expect(denseTwoBit.bits(m)).toBe(20);
    expect(packedTrits.bits(m)).toBe(16);
    // first byte holds trits (w + 1) = 1, 2, 1, 1, 0: 1 + 2*3 + 1*9 + 1*27 + 0*81 = 43
    expect(packedTrits.encode(m)[0]).toBe(43);
  });

  test('bitmask: 10 mask bits and 3 sign bits', () => {
    expect(bitmask.bits(m)).toBe(13);
    expect(Array.from(bitmask.encode(m))).toEqual([0b01001000, 0b01010000]);
  });

  test('CSR: 32-bit count, 3 row pointers of 2 bits, 3 x (3-bit column + sign)', () => {
    expect(csr.bits(m)).toBe(32 + 3 * 2 + 3 * 4);
  });

  test('relative index: runs 1, 2, 4; with b = 2 the run of 4 needs a filler (3): 4 entries of 3 bits', () => {
    expect(bestGapBits(m)).toEqual({ b: 2, entries: 4 });
    expect(relativeIndex.bits(m)).toBe(5 + 32 + 4 * 3);
  });

  test('run length: gamma(2) + gamma(3) + gamma(5) = 3 + 3 + 5 bits, and 3 signs', () => {
    expect(runLength.bits(m)).toBe(32 + 11 + 3);
  });
});

describe('corrupt data', () => {
  test('truncated encodings and impossible values are EncodingErrors', () => {
    const m = randomMatrix(8, 8, 0.9, 1);
    for (const encoding of [csr, relativeIndex, runLength, denseTwoBit]) {
      const bytes = encoding.encode(m);
      expect(() => encoding.decode(bytes.subarray(0, Math.floor(bytes.length / 2)), 8, 8)).toThrow(EncodingError);
    }
    expect(() => packedTrits.decode(Uint8Array.of(250), 1, 5)).toThrow(/holds no five trits/);
    expect(() => denseTwoBit.decode(Uint8Array.of(0xff), 2, 2)).toThrow(/code 11/);
  });
});
