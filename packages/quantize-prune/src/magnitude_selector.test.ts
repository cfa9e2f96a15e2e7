import { seededRandom } from '@sparse-ternary/base';
import { MagnitudeSelector } from './magnitude_selector';

/** The k-th smallest |v| by sorting: the reference. */
const bySorting = (values: Float32Array, k: number) => Float32Array.from(values, Math.abs).sort()[k - 1];

test('equals the sorted k-th smallest magnitude while the weights drift, jump and tie', () => {
  const r = seededRandom(3);
  const n = 5000;
  const values = Float32Array.from({ length: n }, () => r() * 2 - 1);
  for (const k of [1, 250, 4750, n]) {
    const selector = new MagnitudeSelector(k, n);
    for (let step = 0; step < 40; step++) {
      // Small steps mostly (the band's case), a rescaling now and then (the answer leaves the band).
      for (let i = 0; i < n; i++) values[i] += (r() - 0.5) * 0.01;
      if (step % 13 === 12) values.forEach((v, i) => (values[i] = v * 3));
      if (step === 20) values.fill(0.5, 0, n / 2);
      expect({ k, step, value: selector.select(values) }).toEqual({ k, step, value: bySorting(values, k) });
    }
  }
});

test('refuses a k outside the layer and a layer of another size', () => {
  expect(() => new MagnitudeSelector(0, 10)).toThrow(/1\.\.10/);
  expect(() => new MagnitudeSelector(3, 10).select(new Float32Array(9))).toThrow(/10 weights/);
});
