// The pipeline's acceptance test: SFC on the embedded MNIST 8k/2k split, a few epochs per stage on
// 'ort'. The sparse ternary result must be at least 90% sparse and within 2 points of the test
// accuracy of dense ternary (TWN) trained with the same budget in this same test.
import { initEngine } from '@sparse-ternary/engine';
import { loadDataset } from '@sparse-ternary/datasets';
import { sfc } from '@sparse-ternary/models';
import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import { qtrCost } from '@sparse-ternary/regularizers';
import { compress } from './compress';

test('SFC on mnist-10k: sparse ternary is >= 90% sparse within 2 points of TWN', async () => {
  await initEngine({ backend: 'ort' });
  const { train, test } = loadDataset('mnist-10k', { env: {}, systemDir: '/nonexistent' });
  const budget = { epochs: { stage1: 4, stage3: 2 }, batchSize: 100, learningRate: 3e-3, seed: 1, test };
  const twn = await compress(sfc({ seed: 1 }), train, { ...budget, method: 'twn' });
  const sparse = await compress(sfc({ seed: 1 }), train, {
    ...budget,
    method: 'sparse-ternary',
    quantizer: twnQuantizer(1.7),
    regularizers: [qtrCost(2e-5)],
  });
  const line = (name: string, r: typeof twn.report) =>
    `${name}: test accuracy ${(100 * r.accuracy).toFixed(2)}%, sparsity ${(100 * r.sparsity).toFixed(2)}% (layers ${r.layers.map((l) => (100 * l.sparsity).toFixed(1)).join(', ')}%)`;
  console.log(`${line('dense ternary (TWN, 6 epochs)', twn.report)}\n${line('sparse ternary (4 + 2 epochs, t = 1.7, qtr-cost 2e-5)', sparse.report)}`);
  expect(sparse.report.sparsity).toBeGreaterThanOrEqual(0.9);
  expect(sparse.report.accuracy).toBeGreaterThanOrEqual(twn.report.accuracy - 0.02);
}, 900_000); // about 2 minutes alone; over 5 with two suites sharing 2 cores
