import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import { buildModel, cnv, lenet5, lfc, sfc, tfc, vgg7 } from './topologies';

beforeAll(() => initEngine({ backend: 'cpu' }));

/** Weights in the kernels of the dense and conv layers (what gets quantized). */
const kernelWeights = (m: tfl.LayersModel) =>
  m.layers.flatMap((l) => l.getWeights()).filter((w, i, all) => w.rank >= 2 && all.indexOf(w) === i).reduce((n, w) => n + w.size, 0);

describe('topologies', () => {
  test.each([
    ['tfc', tfc, 784 * 64 + 64 * 64 * 2 + 64 * 10],
    ['sfc', sfc, 784 * 256 + 256 * 256 * 2 + 256 * 10],
    ['lfc', lfc, 2910208],
    ['cnv', cnv, 27 * 64 + 576 * 64 + 576 * 128 + 1152 * 128 + 1152 * 256 + 2304 * 256 + 256 * 512 + 512 * 512 + 512 * 10],
    ['lenet5', lenet5, 25 * 32 + 25 * 32 * 64 + 1024 * 512 + 512 * 10],
    ['vgg7', vgg7, 27 * 128 + 1152 * 128 + 1152 * 256 + 2304 * 256 + 2304 * 512 + 4608 * 512 + 8192 * 1024 + 1024 * 10],
  ] as const)('%s has the published number of kernel weights and 10 class probabilities', (_name, build, weights) => {
    const m = build({ seed: 1 });
    expect(kernelWeights(m)).toBe(weights);
    const [, ...inputShape] = m.inputs[0].shape as number[];
    const y = tf.tidy(() => tf.sum(m.predict(tf.zeros([2, ...inputShape])) as tf.Tensor, 1).dataSync());
    Array.from(y).forEach((s) => expect(s).toBeCloseTo(1, 5));
    m.dispose();
  });

  test('LeNet-5 with biases and without BatchNorm has the parameter count of the PyTorch export (582,026)', () => {
    const m = lenet5({ bias: true, batchNorm: false });
    expect(m.countParams()).toBe(582026);
    m.dispose();
  });

  test('hidden layers use BatchNorm and ReLU by default; width, dropout and bias options apply', () => {
    const m = sfc({ widthMultiplier: 0.5, dropout: 0.2, bias: true, classes: 3 });
    const names = m.layers.map((l) => l.getClassName());
    expect(names.slice(0, 5)).toEqual(['Flatten', 'Dense', 'FusedBatchNormalization', 'Activation', 'Dropout']);
    expect(m.layers[1].getConfig()).toMatchObject({ units: 128, useBias: true });
    expect(m.outputs[0].shape).toEqual([null, 3]);
    m.dispose();
  });

  test('the same seed builds the same weights', () => {
    const [a, b] = [tfc({ seed: 7 }), tfc({ seed: 7 })];
    expect(Array.from(a.layers[1].getWeights()[0].dataSync())).toEqual(Array.from(b.layers[1].getWeights()[0].dataSync()));
    tf.dispose([a, b].map((m) => m.getWeights()).flat());
  });

  test('buildModel names the topologies it knows', () => {
    expect(buildModel('tfc').layers.length).toBeGreaterThan(3);
    expect(() => buildModel('resnet' as never)).toThrow(/unknown model 'resnet': expected one of tfc, sfc, lfc, cnv, lenet5, vgg7/);
  });
});
