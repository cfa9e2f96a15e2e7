import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@sparse-ternary/engine';
import type { LabeledImages } from '@sparse-ternary/datasets';
import { mnistSubset } from './testing/mnist_subset';
import { sfc } from '@sparse-ternary/models';
import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import { CheckpointError, loadCheckpoint } from './checkpoint';
import { TrainingError, TrainingInterrupted } from './errors';
import * as tf from '@tensorflow/tfjs-core';
import { train } from './train';

let data: LabeledImages;
beforeAll(async () => {
  await initEngine({ backend: 'ort' });
  data = mnistSubset(1500).train;
});

const weightsOf = (m: ReturnType<typeof sfc>) => m.getWeights().map((w) => Array.from(w.dataSync()));
const options = { stage: 'stage 1', epochs: 3, batchSize: 100, seed: 9, quantizer: twnQuantizer() };

describe('resuming from checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'st-resume-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('an interrupted run resumed from its checkpoint ends with the same weights as an uninterrupted one', async () => {
    const uninterrupted = sfc({ widthMultiplier: 0.25, seed: 1 });
    await train(uninterrupted, data, options);

    const interrupted = sfc({ widthMultiplier: 0.25, seed: 1 });
    const crash = new Error('simulated crash');
    await expect(
      train(interrupted, data, {
        ...options,
        checkpointDir: dir,
        onEpochEnd: (p) => {
          if (p.epoch === 1) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    // A new process would build the model afresh: a different seed proves the weights come from the checkpoint.
    const resumed = sfc({ widthMultiplier: 0.25, seed: 77 });
    const result = await train(resumed, data, { ...options, checkpointDir: dir, resume: true });
    expect(result.startEpoch).toBe(2);
    expect(weightsOf(resumed)).toEqual(weightsOf(uninterrupted));
  }, 120_000); // trains: room for a machine shared with other work

  test('an aborted signal stops after the run of steps holding the batch, checkpoints mid-epoch, and resuming there ends with the same weights', async () => {
    const uninterrupted = sfc({ widthMultiplier: 0.25, seed: 1 });
    const reference = await train(uninterrupted, data, options);

    const stopped = sfc({ widthMultiplier: 0.25, seed: 1 });
    const controller = new AbortController();
    const interruption = await train(stopped, data, {
      ...options,
      checkpointDir: dir,
      signal: controller.signal,
      onBatchEnd: (p) => p.epoch === 1 && p.batch === 6 && controller.abort(),
    }).catch((error: unknown) => error);
    expect(interruption).toBeInstanceOf(TrainingInterrupted);
    // The compiled step trains batches 1-8 of the epoch in one run (stepsPerRun's default): it stops after the eighth.
    expect(interruption).toMatchObject({ stage: 'stage 1', epoch: 1, batch: 8, checkpointDir: dir });
    expect(loadCheckpoint(dir)!.state).toMatchObject({ stage: 'stage 1', epoch: 1, batch: 8, step: 15 + 8 });


    const resumed = sfc({ widthMultiplier: 0.25, seed: 3 });
    const batches: number[] = [];
    const rest = await train(resumed, data, { ...options, checkpointDir: dir, resume: true, onBatchEnd: (p) => batches.push(p.batch) });
    expect(rest.startEpoch).toBe(1);
    expect(batches.slice(0, 2)).toEqual([9, 10]);
    expect(batches).toHaveLength(7 + 15);
    expect(weightsOf(resumed)).toEqual(weightsOf(uninterrupted));
    // The history is the whole stage's: epoch 0 from the checkpoint as it was trained, then the
    // resumed epoch, whose loss averages the batches it trained.
    expect(rest.history.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(rest.history[0].loss).toBeCloseTo(reference.history[0].loss, 6);
    expect(rest.history[1].loss).not.toBeCloseTo(reference.history[1].loss, 6);
    expect(rest.earlierSeconds).toBeGreaterThan(0);
  }, 120_000); // trains: room for a machine shared with other work

  test('a NaN loss stops training and leaves the last good checkpoint in place', async () => {
    const model = sfc({ widthMultiplier: 0.25, seed: 1 });
    const poison = () => {
      const [kernel, ...rest] = model.layers[1].getWeights();
      const values = kernel.bufferSync();
      values.set(NaN, 0, 0);
      model.layers[1].setWeights([values.toTensor(), ...rest]);
      tf.dispose(rest);
    };
    const run = train(model, data, { ...options, checkpointDir: dir, onEpochEnd: (p) => (p.epoch === 0 ? poison() : undefined) });
    await expect(run).rejects.toThrow(TrainingError);
    const kept = loadCheckpoint(dir)!;
    expect(kept.state.epoch).toBe(0);
    expect(kept.groups.weights.every((w) => w.values.every(Number.isFinite))).toBe(true);
  }, 120_000); // trains: room for a machine shared with other work

  test('a checkpoint of another stage is refused by name', async () => {
    await train(sfc({ widthMultiplier: 0.25, seed: 1 }), data, { ...options, epochs: 1, checkpointDir: dir });
    await expect(train(sfc({ widthMultiplier: 0.25 }), data, { ...options, stage: 'stage 3', checkpointDir: dir, resume: true })).rejects.toThrow(
      CheckpointError,
    );
  }, 120_000); // trains: room for a machine shared with other work

  test('a training process killed with SIGKILL mid-epoch resumes to the same final weights', async () => {
    const dist = (pkg: string) => JSON.stringify(path.join(__dirname, '..', '..', pkg, 'dist', 'index.cjs'));
    // Runs the built packages (nx builds before testing): trains, then writes the final weights as JSON.
    const script = `
      const { initEngine } = require(${dist('engine')});
      const { loadDataset } = require(${dist('datasets')});
      const { sfc } = require(${dist('models')});
      const { twnQuantizer } = require(${dist('quantize-prune')});
      const { train } = require(${dist('retrain')});
      const fs = require('node:fs');
      const [dir, out, resume] = process.argv.slice(1);
      (async () => {
        await initEngine({ backend: 'ort' });
        const all = loadDataset('mnist-10k', { env: {}, systemDir: '/nonexistent' }).train;
        const data = { ...all, images: all.images.subarray(0, 1500 * 784), labels: all.labels.subarray(0, 1500), count: 1500 };
        const model = sfc({ widthMultiplier: 0.25, seed: 1 });
        await train(model, data, { stage: 'stage 1', epochs: 3, batchSize: 100, seed: 9, quantizer: twnQuantizer(),
          checkpointDir: dir, resume: resume === 'resume',
          onBatchEnd: (p) => process.stdout.write('epoch ' + p.epoch + ' batch ' + p.batch + '\\n') });
        fs.writeFileSync(out, JSON.stringify(model.getWeights().map((w) => Array.from(w.dataSync()))));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const run = (args: string[], killWhen?: RegExp) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          if (killWhen && killWhen.test(output)) child.kill('SIGKILL');
        });
        child.on('exit', (code) => resolve(code));
      });
    const reference = path.join(dir, 'reference.json');
    expect(await run([path.join(dir, 'reference-ckpt'), reference])).toBe(0);
    const killedDir = path.join(dir, 'killed-ckpt');
    const resumedOut = path.join(dir, 'resumed.json');
    expect(await run([killedDir, resumedOut], /epoch 1 batch 7\n/)).toBeNull(); // killed in the middle of epoch 2
    expect(await run([killedDir, resumedOut, 'resume'])).toBe(0);
    expect(readFileSync(resumedOut, 'utf8')).toBe(readFileSync(reference, 'utf8'));
  }, 120_000);
});
