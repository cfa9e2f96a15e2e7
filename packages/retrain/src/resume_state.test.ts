import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@sparse-ternary/engine';
import { sfc } from '@sparse-ternary/models';
import { CheckpointError, type LoadedCheckpoint } from './checkpoint';
import { configurationDifferences, RESUME_STATE_VERSION, resumeState, resumeStateAt } from './resume_state';
import { mnistSubset } from './testing/mnist_subset';
import { train } from './train';

const checkpoint = (state: Record<string, unknown>): LoadedCheckpoint => ({ file: '/runs/a/latest.ckpt', refused: [], state, groups: {} });
const expected = { stage: 'stage 1', epochs: 4, batches: 80, configuration: { seed: 1, learningRate: 3e-3, model: 'lfc' } };

describe('resumeState', () => {
  test('the state a checkpoint records carries its version; one recorded before versions is version 1', () => {
    expect(resumeStateAt({ stage: 'stage 1', epoch: 2, step: 240, seed: 3 })).toEqual({ version: RESUME_STATE_VERSION, stage: 'stage 1', epoch: 2, step: 240, seed: 3 });
    expect(resumeState(checkpoint({ stage: 'stage 1', epoch: 0, step: 80, seed: 3 }), expected)).toMatchObject({ version: 1, seed: 3 });
  });

  test("a checkpoint of this run gives its position: a finished epoch, or a batch within one", () => {
    expect(resumeState(checkpoint({ stage: 'stage 1', epoch: 2, step: 240, configuration: expected.configuration }), expected)).toMatchObject({ epoch: 2, step: 240, batch: undefined });
    expect(resumeState(checkpoint({ stage: 'stage 1', epoch: 1, step: 100, batch: 20 }), expected)).toMatchObject({ epoch: 1, step: 100, batch: 20 });
  });

  test('a checkpoint made with other options is refused, naming each option that differs with both values', () => {
    const other = checkpoint({ stage: 'stage 1', epoch: 0, step: 80, configuration: { seed: 5, learningRate: 5e-4, model: 'lfc' } });
    expect(() => resumeState(other, expected)).toThrow(CheckpointError);
    expect(() => resumeState(other, expected)).toThrow(
      '/runs/a/latest.ckpt: was made by another configuration (learningRate 0.0005 there, 0.003 here; seed 5 there, 1 here): resume with the options it was made with, or start afresh without --resume',
    );
    expect(configurationDifferences({ a: 1 }, { a: 1, b: [2] })).toEqual(['b undefined there, [2] here']);
  });

  test.each([
    [{ stage: 'stage 3', epoch: 0, step: 0 }, /holds stage 3, not stage 1/],
    [{ stage: 'stage 1', epoch: 1e9, step: 0 }, /epoch 1000000000 is not one of this stage's 4/],
    [{ stage: 'stage 1', epoch: -1, step: 0 }, /epoch -1 is not one of/],
    [{ stage: 'stage 1', epoch: 0, step: 0, batch: 80 }, /batch 80 is not one of an epoch's 80/],
    [{ stage: 'stage 1', epoch: 0, step: 0.5 }, /step 0.5 is not a step count/],
    [{ stage: 'stage 1', epoch: '1', step: 0 }, /epoch "1" is not one of/],
    [{ version: 2, stage: 'stage 1', epoch: 0, step: 0 }, /holds a resume state of version 2; this build resumes version 1: start afresh without --resume/],
    [{ stage: 'stage 1', epoch: 0, step: 0, history: [{ epoch: 0, seconds: 'long', loss: 1, penalty: 0, sparsity: 0 }] }, /holds an epoch history that is not a list of epoch records/],
    [{ stage: 'stage 1', epoch: 0, step: 0, history: {} }, /holds an epoch history that is not a list/],
    [{ stage: 'stage 1', epoch: 0, step: 0, seconds: -1 }, /seconds -1 is not a duration/],
  ])('an impossible position %j is a CheckpointError naming the file', (state, message) => {
    expect(() => resumeState(checkpoint(state), expected)).toThrow(CheckpointError);
    expect(() => resumeState(checkpoint(state), expected)).toThrow(message);
  });
});

test('train() records its configuration and refuses to resume with another', async () => {
  await initEngine({ backend: 'ort' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-resume-'));
  try {
    const { train: data } = mnistSubset(100);
    const options = { epochs: 1, batchSize: 50, checkpointDir: dir, stage: 'stage 1', configuration: { learningRate: 1e-3 } };
    const first = await train(sfc({ widthMultiplier: 0.125, seed: 1 }), data, options);
    await expect(train(sfc({ widthMultiplier: 0.125, seed: 1 }), data, { ...options, resume: true, configuration: { learningRate: 2e-3 } })).rejects.toThrow(
      /was made by another configuration \(learningRate 0\.001 there, 0\.002 here\)/,
    );
    // The same configuration resumes: the finished epoch is not trained again, and its record and time come from the checkpoint.
    const resumed = await train(sfc({ widthMultiplier: 0.125, seed: 1 }), data, { ...options, resume: true });
    expect(resumed.startEpoch).toBe(1);
    expect(resumed.history).toEqual(first.history);
    expect(resumed.earlierSeconds).toBeGreaterThanOrEqual(first.history[0].seconds);
    expect(first.earlierSeconds).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000); // trains: room for a machine shared with other work
