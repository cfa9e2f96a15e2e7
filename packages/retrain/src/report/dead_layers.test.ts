import type { LayerStats } from '@sparse-ternary/quantize-prune';
import { deadLayers, deadLayersWarning } from './dead_layers';

const layer = (name: string, size: number, nonZeros: number): LayerStats => ({ name, treatment: 'quantize', size, nonZeros, sparsity: 1 - nonZeros / size, alpha: 0.1, delta: 0.05 });

test('deadLayers names the layers with no non-zero weight, and the warning says what to change', () => {
  const layers = [layer('dense_1/kernel', 100, 3), layer('dense_2/kernel', 10, 0), layer('dense_3/kernel', 4, 4)];
  expect(deadLayers(layers)).toEqual(['dense_2/kernel']);
  expect(deadLayers(layers.filter((l) => l.nonZeros > 0))).toEqual([]);
  expect(deadLayersWarning(['dense_2/kernel'])).toMatch(/^dense_2\/kernel quantized entirely to zero.*--qtr-lambda or -t/);
});
