// Choosing a stage's epoch on validation: the best epoch's weights kept, early stopping by
// patience, both surviving a resume.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@sparse-ternary/engine';
import { sfc } from '@sparse-ternary/models';
import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import type * as tfl from '@tensorflow/tfjs-layers';
import { bestEpoch, patienceRunOut } from './best_epoch';
import { TrainingError } from './errors';
import { quantizedAccuracy } from './evaluate';
import { mnistSubset } from './testing/mnist_subset';
import { train, type EpochProgress } from './train';

const epoch = (n: number, validationAccuracy?: number) => ({ epoch: n, validationAccuracy }) as EpochProgress;
const weightsOf = (model: tfl.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

test('the best epoch is the first of the highest validation accuracy; patience counts the epochs since it', () => {
  const history = [epoch(0, 0.5), epoch(1, 0.7), epoch(2, 0.7), epoch(3, 0.6)];
  expect(bestEpoch(history)?.epoch).toBe(1);
  expect(bestEpoch([epoch(0), epoch(1)])).toBeUndefined();
  expect([1, 2, 3].map((p) => patienceRunOut(history, p))).toEqual([true, true, false]);
  expect(patienceRunOut(history, 0)).toBe(false);
  expect(patienceRunOut(history.slice(0, 2), 1)).toBe(false);
});

describe('choosing on validation in train()', () => {
  const { train: all, test: testSet } = mnistSubset(600, 200);
  // The first 400 images train, the next 200 (held out from training) validate.
  const pixels = 28 * 28;
  const data = { ...all, images: all.images.subarray(0, 400 * pixels), labels: all.labels.subarray(0, 400), count: 400 };
  const validation = { ...all, images: all.images.subarray(400 * pixels), labels: all.labels.subarray(400), count: 200 };
  // 200 validation images: accuracy goes down as well as up over the epochs.
  const options = { stage: 'stage 1', epochs: 6, batchSize: 50, learningRate: 0.01, quantizer: twnQuantizer(), seed: 1, test: testSet, validation };
  let dir: string;
  beforeAll(() => initEngine({ backend: 'ort' }));
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'st-best-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('--keep best ends with the weights of the epoch of best validation accuracy, and a resume keeps them', async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 1 });
    const snapshots: number[][][] = [];
    const result = await train(model, data, { ...options, keep: 'best', checkpointDir: dir, onEpochEnd: () => void snapshots.push(weightsOf(model)) });
    const best = bestEpoch(result.history)!;
    expect(result.history.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    // Not vacuous: the best epoch is not the last one with this seed and rate.
    expect(best.epoch).toBeLessThan(5);
    expect(weightsOf(model)).toEqual(snapshots[best.epoch]);
    expect(quantizedAccuracy(model, validation, twnQuantizer())).toBeCloseTo(best.validationAccuracy!, 10);
    expect(result.history.every((e) => e.validationAccuracy !== undefined && e.learningRate === 0.01)).toBe(true);
    // Resumed (finished): the best epoch's weights again, from the stage's checkpoints/best.
    const resumed = sfc({ widthMultiplier: 0.25, seed: 9 });
    await train(resumed, data, { ...options, keep: 'best', checkpointDir: dir, resume: true });
    expect(weightsOf(resumed)).toEqual(snapshots[best.epoch]);
  }, 120_000); // trains: room for a machine shared with other work

  test('--patience stops the stage after that many epochs without a better validation accuracy, and a resume does not train on', async () => {
    // At this rate validation accuracy falls after the first epoch.
    const noisy = { ...options, learningRate: 0.1 };
    const full = await train(sfc({ widthMultiplier: 0.25, seed: 1 }), data, noisy);
    const stopped = await train(sfc({ widthMultiplier: 0.25, seed: 1 }), data, { ...noisy, patience: 1, checkpointDir: dir });
    // The epochs up to the first that does not improve on the best so far, as the full run trained them.
    const firstWorse = full.history.findIndex((e, i) => i > 0 && e.validationAccuracy! <= bestEpoch(full.history.slice(0, i))!.validationAccuracy!);
    expect(firstWorse).toBeGreaterThan(0);
    expect(stopped.history.map((e) => e.validationAccuracy)).toEqual(full.history.slice(0, firstWorse + 1).map((e) => e.validationAccuracy));
    expect(stopped.history.length).toBeLessThan(noisy.epochs);
    const resumed = await train(sfc({ widthMultiplier: 0.25, seed: 1 }), data, { ...noisy, patience: 1, checkpointDir: dir, resume: true });
    expect(resumed.history).toEqual(stopped.history);
  }, 120_000); // trains: room for a machine shared with other work

  test('keeping the best or stopping early without validation images is refused', async () => {
    const { validation: _, ...without } = options;
    await expect(train(sfc({ widthMultiplier: 0.25, seed: 1 }), data, { ...without, keep: 'best' })).rejects.toThrow(TrainingError);
    await expect(train(sfc({ widthMultiplier: 0.25, seed: 1 }), data, { ...without, patience: 2 })).rejects.toThrow(/choose on validation images/);
  });
});
