import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '@sparse-ternary/engine';
import type { LabeledImages } from '@sparse-ternary/datasets';
import { mnistSubset } from './testing/mnist_subset';
import { sfc } from '@sparse-ternary/models';
import { disposeMasks, quantizationPrune, twnQuantizer } from '@sparse-ternary/quantize-prune';
import { l2, qtrCost, qtrDeadzone } from '@sparse-ternary/regularizers';
import * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from './errors';
import { train, type BatchProgress, type EpochProgress } from './train';

let trainSet: LabeledImages;
let testSet: LabeledImages;
beforeAll(async () => {
  await initEngine({ backend: 'ort' });
  ({ train: trainSet, test: testSet } = mnistSubset(3000, 1000));
});

const kernelValues = (m: ReturnType<typeof sfc>) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('train', () => {
  test('learns MNIST, reporting every batch and epoch with both accuracies', async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 1 });
    const batchesSeen: BatchProgress[] = [];
    const epochsSeen: EpochProgress[] = [];
    const { history } = await train(model, trainSet, {
      stage: 'stage 0',
      epochs: 2,
      batchSize: 100,
      learningRate: 3e-3,
      seed: 1,
      test: testSet,
      onBatchEnd: (p) => batchesSeen.push(p),
      onEpochEnd: (p) => void epochsSeen.push(p),
    });
    expect(batchesSeen).toHaveLength(60);
    expect(batchesSeen[59]).toMatchObject({ stage: 'stage 0', epoch: 1, batch: 30, batches: 30 });
    expect(batchesSeen[59].etaSeconds).toBeCloseTo(0, 5);
    expect(batchesSeen.every((b) => b.samplesPerSecond > 0)).toBe(true);
    expect(epochsSeen).toEqual(history);
    expect(history[1].loss).toBeLessThan(history[0].loss);
    expect(history[1].floatAccuracy).toBeGreaterThan(0.85);
    // With the float quantizer the deployed network is the float one.
    expect(history[1].quantizedAccuracy).toBe(history[1].floatAccuracy);
  }, 120_000); // trains: room for a machine shared with other work

  test('is deterministic: the same seed on the same backend gives the same final weights', async () => {
    const run = async () => {
      const model = sfc({ widthMultiplier: 0.25, seed: 2 });
      await train(model, trainSet, { epochs: 1, batchSize: 100, seed: 5, quantizer: twnQuantizer() });
      return kernelValues(model);
    };
    expect(await run()).toEqual(await run());
  }, 120_000); // trains: room for a machine shared with other work

  test('straight-through TWN with qtr-deadzone, then masked retraining keeps the mask', async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 3 });
    const quantizer = twnQuantizer();
    const stage1 = await train(model, trainSet, { epochs: 2, batchSize: 100, learningRate: 3e-3, quantizer, regularizers: [qtrDeadzone(1e-4)], test: testSet });
    expect(stage1.history[0].penalty).toBeGreaterThan(0);
    expect(stage1.history[0].quantizedAccuracy).toBeGreaterThan(0.7);
    const { masks, sparsity } = quantizationPrune(model, quantizer);
    const stage3 = await train(model, trainSet, { epochs: 1, batchSize: 100, learningRate: 1e-3, quantizer, masks, test: testSet });
    expect(stage3.history[0].sparsity).toBeCloseTo(sparsity, 10);
    expect(stage3.history[0].quantizedAccuracy).toBeGreaterThan(0.7);
    disposeMasks(masks);
  }, 120_000); // trains: room for a machine shared with other work

  test('a NaN loss stops training with an error naming the stage, epoch and batch', async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 4 });
    const [kernel, ...rest] = model.layers[1].getWeights();
    const poisoned = kernel.bufferSync();
    poisoned.set(NaN, 0, 0);
    model.layers[1].setWeights([poisoned.toTensor(), ...rest]);
    const attempt = train(model, trainSet, { stage: 'stage 1', epochs: 1, batchSize: 100 });
    await expect(attempt).rejects.toThrow(TrainingError);
    await expect(train(model, trainSet, { stage: 'stage 1', epochs: 1, batchSize: 100 })).rejects.toThrow(/^stage 1, epoch 1, batch 1: the loss is NaN/);
    tf.dispose(rest);
  }, 120_000); // trains: room for a machine shared with other work
});

describe('the training step', () => {
  const options = { stage: 'stage 1', epochs: 2, batchSize: 100, learningRate: 3e-3, seed: 4, quantizer: twnQuantizer(), regularizers: [l2(1e-4), qtrCost(1e-5)] };

  test("compiled (the default) and kernel by kernel train the same, regularizers included: each epoch's loss, penalty, sparsity and accuracy agree", async () => {
    const compiled = sfc({ widthMultiplier: 0.25, seed: 2 });
    const kernels = sfc({ widthMultiplier: 0.25, seed: 2 });
    const a = await train(compiled, trainSet, { ...options, test: testSet });
    const b = await train(kernels, trainSet, { ...options, test: testSet, trainingStep: 'kernels' });
    expect(a.trainingStep).toEqual({ kind: 'compiled' });
    expect(b.trainingStep).toEqual({ kind: 'kernels', reason: "trainingStep 'kernels' was asked for" });
    // Float sums in another order drift apart over 60 steps: within 2% of each other, not bit for bit.
    a.history.forEach((epoch, i) => {
      expect(Math.abs(epoch.loss - b.history[i].loss) / b.history[i].loss).toBeLessThan(0.02);
      expect(Math.abs(epoch.penalty - b.history[i].penalty) / b.history[i].penalty).toBeLessThan(0.02);
      expect(epoch.penalty).toBeGreaterThan(0);
      expect(epoch.sparsity).toBeCloseTo(b.history[i].sparsity, 2);
      expect(Math.abs(epoch.quantizedAccuracy! - b.history[i].quantizedAccuracy!)).toBeLessThan(0.01);
    });
    expect(a.history[1].quantizedAccuracy).toBeGreaterThan(0.8);
  }, 120_000); // trains: room for a machine shared with other work

  test("a layer the step does not compile keeps the per-kernel step, saying why; 'compiled' then is a TrainingError", async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 32 }), tfl.layers.leakyReLU({ name: 'leaky' }), tfl.layers.dense({ units: 10, activation: 'softmax' })],
    });
    const reason = "layer 'leaky': LeakyReLU layers are not compiled";
    expect((await train(model, trainSet, { ...options, epochs: 1 })).trainingStep).toEqual({ kind: 'kernels', reason });
    await expect(train(model, trainSet, { ...options, epochs: 1, trainingStep: 'compiled' })).rejects.toThrow(new TrainingError(`the training step cannot be compiled: ${reason}`, 'stage 1', 0, 0));
  }, 120_000); // trains: room for a machine shared with other work

  test('dropout is compiled (its draws onnxruntime\'s), and trains as kernel by kernel', async () => {
    const dropout = { ...options, epochs: 1, test: testSet } as const;
    const a = await train(sfc({ widthMultiplier: 0.25, seed: 2, dropout: 0.2 }), trainSet, dropout);
    const b = await train(sfc({ widthMultiplier: 0.25, seed: 2, dropout: 0.2 }), trainSet, { ...dropout, trainingStep: 'kernels' });
    expect(a.trainingStep).toEqual({ kind: 'compiled' });
    // The epoch's mean loss agrees (0.3-2.7% apart over runs: TF.js's draws are unseeded); its accuracy, one epoch into training with other draws, moves by points either way.
    expect(Math.abs(a.history[0].loss - b.history[0].loss) / b.history[0].loss).toBeLessThan(0.05);
    expect(a.history[0].quantizedAccuracy).toBeGreaterThan(0.5); // chance: 0.1
  }, 120_000); // trains: room for a machine shared with other work

  test('SGD with momentum is compiled, and trains as kernel by kernel', async () => {
    const momentum = { ...options, epochs: 1, optimizer: 'momentum', learningRate: 0.02, test: testSet } as const;
    const a = await train(sfc({ widthMultiplier: 0.25, seed: 2 }), trainSet, momentum);
    const b = await train(sfc({ widthMultiplier: 0.25, seed: 2 }), trainSet, { ...momentum, trainingStep: 'kernels' });
    expect(a.trainingStep).toEqual({ kind: 'compiled' });
    expect(Math.abs(a.history[0].loss - b.history[0].loss) / b.history[0].loss).toBeLessThan(0.02);
    expect(Math.abs(a.history[0].quantizedAccuracy! - b.history[0].quantizedAccuracy!)).toBeLessThan(0.01);
    expect(a.history[0].quantizedAccuracy).toBeGreaterThan(0.5); // chance: 0.1
  }, 120_000); // trains: room for a machine shared with other work
});
