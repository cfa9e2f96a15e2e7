// prepareModel: the model a configuration trains. Quantized activations are calibrated on the
// seeded sample (the same clips every time), trained compiled and kernel by kernel (the learned
// clips move), and an interrupted run resumed from its checkpoint ends bit-identical.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine, QuantizedActivation } from '@sparse-ternary/engine';
import type { LabeledImages } from '@sparse-ternary/datasets';
import { sfc } from '@sparse-ternary/models';
import { twnQuantizer } from '@sparse-ternary/quantize-prune';
import type * as tfl from '@tensorflow/tfjs-layers';
import { compress } from './compress';
import { accuracy } from './evaluate';
import { mergeConfig } from './options/run_options';
import { prepareModel } from './prepare_model';
import { mnistSubset } from './testing/mnist_subset';
import { train } from './train';

let data: { train: LabeledImages; test: LabeledImages };
beforeAll(async () => {
  await initEngine({ backend: 'ort' });
  data = mnistSubset(1500, 500);
});

const clipsOf = (model: tfl.LayersModel) => model.layers.filter((l): l is QuantizedActivation => l instanceof QuantizedActivation).map((l) => l.clip());
const prepared = (changes: Parameters<typeof mergeConfig>[0]) => prepareModel(sfc({ widthMultiplier: 0.25, seed: 1 }), data.train, mergeConfig({ seed: 3, ...changes }), {});
const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

test('float activations: the model as it was; quantized ones: every hidden ReLU, the clips calibrated alike on every call', () => {
  const float = prepared({});
  expect([float.activations, clipsOf(float.model)]).toEqual([[], []]);
  const [a, b] = [prepared({ actBits: 2 }), prepared({ actBits: 2 })];
  expect(a.activations.length).toBe(3);
  expect(clipsOf(a.model)).toEqual(clipsOf(b.model));
  expect(clipsOf(a.model).every((c) => c > 0)).toBe(true);
  const fixed = prepared({ actBits: 4, actRange: 'fixed', actClip: 2.5 });
  expect(clipsOf(fixed.model)).toEqual([2.5, 2.5, 2.5]);
});

test.each(['compiled', 'kernels'] as const)('2-bit activations with learned clips train (%s): the clips move and the model learns', async (trainingStep) => {
  const { model } = prepared({ actBits: 2 });
  const before = clipsOf(model);
  await train(model, data.train, { stage: 'stage 1', epochs: 2, batchSize: 50, seed: 3, learningRate: 0.01, quantizer: twnQuantizer(), trainingStep });
  expect(clipsOf(model)).not.toEqual(before);
  expect(accuracy(model, data.test)).toBeGreaterThan(0.5);
}, 120_000); // trains: room for a machine shared with other work

test('compress reports each quantized activation with its clip as trained', async () => {
  const { model } = prepared({ actBits: 2, actSigned: true });
  const { report } = await compress(model, data.train, { epochs: { stage1: 1, stage3: 1 }, batchSize: 100, seed: 2, test: data.test, trainingStep: 'compiled' });
  expect(report.activations).toEqual(model.layers.filter((l) => l instanceof QuantizedActivation).map((l) => ({ name: l.name, bits: 2, signed: true, clip: (l as QuantizedActivation).clip() })));
  expect(report.activations).toHaveLength(3);
}, 120_000); // trains: room for a machine shared with other work

test('an interrupted run with quantized activations, resumed from its checkpoint, ends with the same weights and clips', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-act-resume-'));
  try {
    const options = { stage: 'stage 1', epochs: 2, batchSize: 100, seed: 9, quantizer: twnQuantizer(), trainingStep: 'compiled' as const };
    const uninterrupted = prepared({ actBits: 2, actSigned: true }).model;
    await train(uninterrupted, data.train, options);
    const crash = new Error('simulated crash');
    const interrupted = prepared({ actBits: 2, actSigned: true }).model;
    await expect(train(interrupted, data.train, { ...options, checkpointDir: dir, onEpochEnd: (p) => { if (p.epoch === 1) throw crash; } })).rejects.toBe(crash);
    const resumed = prepared({ actBits: 2, actSigned: true }).model;
    await train(resumed, data.train, { ...options, checkpointDir: dir, resume: true });
    expect(weightsOf(resumed)).toEqual(weightsOf(uninterrupted));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000); // trains: room for a machine shared with other work
