import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@sparse-ternary/engine';
import type { LabeledImages } from '@sparse-ternary/datasets';
import { mnistSubset } from './testing/mnist_subset';
import { lenet5, sfc } from '@sparse-ternary/models';
import { l2, qtrCost, qtrDeadzone } from '@sparse-ternary/regularizers';
import { targetSparsityQuantizer } from '@sparse-ternary/quantize-prune';
import { compress } from './compress';
import { runSeconds } from './report/run_report';

let trainSet: LabeledImages;
let testSet: LabeledImages;
beforeAll(async () => {
  await initEngine({ backend: 'ort' });
  ({ train: trainSet, test: testSet } = mnistSubset(2000, 1000));
});

const base = () => ({ epochs: { stage1: 1, stage3: 1 }, batchSize: 100, learningRate: 3e-3, seed: 2, test: testSet });
const kernels = (m: ReturnType<typeof sfc>) => m.layers.filter((l) => l.getClassName() === 'Dense').map((l) => Array.from(l.getWeights()[0].dataSync()));

describe('compress', () => {
  test('sparse ternary: prunes what quantizes to zero and deploys exactly the mask at +-alpha per layer', async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 1 });
    const { masks, report } = await compress(model, trainSet, { ...base(), method: 'sparse-ternary', regularizers: [l2(1e-5), qtrDeadzone(1e-4)] });
    expect(report.stages.map((s) => [s.stage, s.history.length])).toEqual([
      ['stage 1', 1],
      ['stage 3', 1],
    ]);
    expect(report.stages[0].history[0].penalty).toBeGreaterThan(0);
    expect(report.histograms.beforeStage1).toHaveLength(4);
    expect(report.activations).toEqual([]);
    report.layers.forEach((layer, i) => {
      const values = kernels(model)[i];
      const mask = Array.from(masks!.get(layer.name)!.dataSync());
      values.forEach((v, j) => expect(v === 0).toBe(mask[j] === 0));
      values.filter((v) => v !== 0).forEach((v) => expect(Math.abs(v)).toBeCloseTo(layer.alpha, 6));
    });
    expect(report.sparsity).toBeGreaterThan(0.3);
    expect(report.accuracy).toBeGreaterThan(0.6);
  }, 120_000); // trains: room for a machine shared with other work

  test("a target sparsity's layers report the threshold they were pruned at, not the mask's zero", async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 1 });
    const snapshot: number[][] = [];
    // Stage 1's last epoch leaves the float weights that pruning thresholds.
    const { report } = await compress(model, trainSet, {
      ...base(),
      quantizer: targetSparsityQuantizer(0.9),
      onEpochEnd: (p) => void (p.stage === 'stage 1' && snapshot.push(...kernels(model))),
    });
    report.layers.forEach((layer, i) => {
      // Delta is the 90th percentile of the layer's |w| after stage 1: 90% of them at or below it.
      const magnitudes = snapshot[i].map(Math.abs);
      expect(layer.delta).toBeGreaterThan(0);
      expect(magnitudes.filter((m) => m <= layer.delta).length / magnitudes.length).toBeCloseTo(0.9, 2);
    });
  }, 120_000); // trains: room for a machine shared with other work

  test('hardware cost: the report carries the deployed cost, and qtr-cost is weighed by each layer c_l', async () => {
    const model = lenet5({ widthMultiplier: 0.25, seed: 1 });
    const { report } = await compress(model, trainSet, { ...base(), epochs: { stage1: 1, stage3: 0 }, learningRate: 0, hardwareCost: 'operations', regularizers: [qtrCost(1e-3)] });
    // Operations: a conv weight is used at every output position (24 x 24 and 8 x 8), a dense one once.
    const costs = Object.values(report.layerCosts!);
    expect(costs[0] / costs[2]).toBeCloseTo(576, 6);
    expect(costs[1] / costs[2]).toBeCloseTo(64, 6);
    expect(report.hardware.layers.map((l) => l.kernel)).toEqual(Object.keys(report.layerCosts!));
    expect(report.hardware.sparsity).toBeCloseTo(report.sparsity, 6);
    // With the learning rate 0 the weights stay put, so the term is the unit-cost term weighed per layer.
    const unit = await compress(lenet5({ widthMultiplier: 0.25, seed: 1 }), trainSet, { ...base(), epochs: { stage1: 1, stage3: 0 }, learningRate: 0, regularizers: [qtrCost(1e-3)] });
    const weighed = report.stages[0].history[0].regularizerTerms['qtr-cost'];
    const plain = unit.report.stages[0].history[0].regularizerTerms['qtr-cost'];
    expect(unit.report.layerCosts).toBeUndefined();
    // Each layer's soft count of non-zeros S_l on the initial weights (TWN threshold 0.7 mean |w|, tau = 0.1 Delta).
    const initial = lenet5({ widthMultiplier: 0.25, seed: 1 });
    const counts = initial.layers.filter((l) => ['Conv2D', 'Dense'].includes(l.getClassName())).map((l) => {
      const w = Array.from(l.getWeights()[0].dataSync());
      const delta = (0.7 * w.reduce((a, v) => a + Math.abs(v), 0)) / w.length;
      return w.reduce((a, v) => a + 1 / (1 + Math.exp(-(Math.abs(v) - delta) / (0.1 * delta))), 0);
    });
    expect(plain).toBeCloseTo(1e-3 * counts.reduce((a, b) => a + b, 0), 2);
    expect(weighed).toBeCloseTo(1e-3 * counts.reduce((a, c, i) => a + costs[i] * c, 0), 2);
  }, 120_000); // trains: room for a machine shared with other work

  test('prune-then-quantize prunes to the asked sparsity by magnitude; the float baseline stays dense', async () => {
    const pruned = await compress(sfc({ widthMultiplier: 0.25, seed: 1 }), trainSet, { ...base(), method: 'prune-then-quantize', pruneSparsity: 0.9 });
    expect(pruned.report.sparsity).toBeCloseTo(0.9, 2);
    const float = await compress(sfc({ widthMultiplier: 0.25, seed: 1 }), trainSet, { ...base(), method: 'float' });
    expect(float.masks).toBeUndefined();
    expect(float.report.sparsity).toBeLessThan(0.01);
    expect(float.report.accuracy).toBeGreaterThan(0.8);
  }, 120_000); // trains: room for a machine shared with other work

  test('resumed with its checkpoints, a finished compression is restored, not rerun, to the same weights', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'st-compress-'));
    try {
      const first = sfc({ widthMultiplier: 0.25, seed: 1 });
      const { report: firstReport } = await compress(first, trainSet, { ...base(), checkpointDir: dir });
      const again = sfc({ widthMultiplier: 0.25, seed: 5 });
      const { report } = await compress(again, trainSet, { ...base(), checkpointDir: dir, resume: true });
      // The report is the whole run's: every stage's epochs and training time, from the checkpoints.
      expect(report.stages.map((s) => s.history)).toEqual(firstReport.stages.map((s) => s.history));
      const trained = firstReport.stages.flatMap((s) => s.history).reduce((n, e) => n + e.seconds, 0);
      expect(runSeconds(report, 1).seconds).toBeGreaterThan(1 + trained);
      expect(runSeconds(report, 1).sittingSeconds).toBe(1);
      expect(runSeconds(firstReport, 1)).toEqual({ seconds: 1 });
      expect(kernels(again)).toEqual(kernels(first));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // trains: room for a machine shared with other work
});
