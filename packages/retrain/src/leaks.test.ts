// Every training path holds the same tensors after each step beyond the first (a step that kept a
// copy of a kernel, a gradient or an optimizer moment would grow them), and gives back all it made
// when it returns.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import type { LabeledImages } from '@sparse-ternary/datasets';
import { lenet5, sfc } from '@sparse-ternary/models';
import { binaryQuantizer, disposeMasks, fixedThresholdQuantizer, quantizationPrune, targetSparsityQuantizer, twnQuantizer, type Quantizer } from '@sparse-ternary/quantize-prune';
import { l1, l2, qtrCost, qtrDeadzone, type Regularizer } from '@sparse-ternary/regularizers';
import { compress } from './compress';
import { METHODS } from './methods';
import { mnistSubset } from './testing/mnist_subset';
import { train, type TrainOptions } from './train';

let data: LabeledImages;
let testSet: LabeledImages;
beforeAll(async () => {
  await initEngine({ backend: 'ort' });
  ({ train: data, test: testSet } = mnistSubset(120, 40));
});

const memory = () => ({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });
const smallSfc = () => sfc({ widthMultiplier: 0.125, seed: 1 });

/** tf.memory() after every step of one epoch of 6 steps, and before and after train(). */
async function trainedMemory(model: tfl.LayersModel, options: Partial<TrainOptions>) {
  const steps: ReturnType<typeof memory>[] = [];
  const before = memory();
  await train(model, data, { epochs: 1, batchSize: 20, seed: 1, onBatchEnd: () => steps.push(memory()), ...options });
  return { steps, before, after: memory() };
}

function expectNoGrowth({ steps, before, after }: Awaited<ReturnType<typeof trainedMemory>>): void {
  expect(steps).toHaveLength(6);
  // The first step makes the optimizer's state; every later one leaves memory as the second found it.
  for (const step of steps.slice(2)) expect(step).toEqual(steps[1]);
  expect(after).toEqual(before);
}

const QUANTIZERS: [string, () => Quantizer][] = [
  ['twn', () => twnQuantizer()],
  ['target sparsity', () => targetSparsityQuantizer(0.9)],
  ['fixed threshold', () => fixedThresholdQuantizer(0.05)],
  ['binary', () => binaryQuantizer()],
];
const REGULARIZERS: [string, () => Regularizer[]][] = [
  ['l2', () => [l2(1e-4)]],
  ['l1', () => [l1(1e-5)]],
  ['qtr-cost', () => [qtrCost(2e-5)]],
  ['qtr-deadzone', () => [qtrDeadzone(1e-4)]],
];

describe('no tensor outlives its training step', () => {
  test.each(['adam', 'sgd', 'momentum'] as const)('stage 0 (float training) with %s', async (optimizer) => {
    expectNoGrowth(await trainedMemory(smallSfc(), { optimizer }));
  }, 60_000);

  test.each(QUANTIZERS)('stage 1 with the %s quantizer', async (_, quantizer) => {
    expectNoGrowth(await trainedMemory(smallSfc(), { quantizer: quantizer(), stage: 'stage 1' }));
  }, 60_000);

  test.each(REGULARIZERS)('stage 1 with %s', async (_, regularizers) => {
    expectNoGrowth(await trainedMemory(smallSfc(), { quantizer: twnQuantizer(), regularizers: regularizers(), stage: 'stage 1' }));
  }, 60_000);

  test.each([
    ['dense', smallSfc],
    ['convolutional', () => lenet5({ widthMultiplier: 0.125, seed: 1 })],
  ])('stage 3, masked, on a %s network', async (_, build) => {
    const model = build();
    const { masks } = quantizationPrune(model, twnQuantizer());
    expectNoGrowth(await trainedMemory(model, { quantizer: twnQuantizer(), masks, clip: 1, stage: 'stage 3' }));
    disposeMasks(masks);
  }, 60_000);

  test('stage 1 writing a checkpoint after every epoch', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'st-leak-'));
    try {
      const model = smallSfc();
      const before = memory();
      await train(model, data, { epochs: 3, batchSize: 40, seed: 1, quantizer: twnQuantizer(), stage: 'stage 1', checkpointDir: dir });
      expect(memory()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test.each(METHODS)('compress() with the %s method gives back every tensor it made but the masks', async (method) => {
    const model = smallSfc();
    const before = memory();
    const { masks } = await compress(model, data, { method, epochs: { stage0: 1, stage1: 1, stage3: 1 }, batchSize: 30, seed: 1, test: testSet, regularizers: [l2(1e-5), qtrCost(1e-5)] });
    if (masks) disposeMasks(masks);
    expect(memory()).toEqual(before);
  }, 120_000); // trains: room for a machine shared with other work
});
