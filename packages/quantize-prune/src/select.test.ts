import { seededRandom } from '@sparse-ternary/base';
import { kthSmallest } from './select';

test('kthSmallest equals the sorted array at k - 1, with ties and on random data', () => {
  expect(kthSmallest(Float32Array.from([0.3, 0.1, 0.2]), 1)).toBeCloseTo(0.1, 7);
  expect(kthSmallest(Float32Array.from([5, 5, 5, 1, 5]), 3)).toBe(5);
  const random = seededRandom(4);
  for (const n of [1, 2, 7, 100, 10_001]) {
    const values = Float32Array.from({ length: n }, () => Math.round(random() * 50) / 10);
    const sorted = Float32Array.from(values).sort();
    for (const k of [1, Math.ceil(n / 3), n]) expect(kthSmallest(Float32Array.from(values), k)).toBe(sorted[k - 1]);
  }
  expect(() => kthSmallest(Float32Array.from([1]), 2)).toThrow(/k must be an integer in 1\.\.1/);
});
