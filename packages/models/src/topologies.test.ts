import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import { cifarResnet } from './resnet';
import { buildModel, cnv, lenet5, lfc, resnet20, resnet32, resnet56, sfc, tfc, vgg7 } from './topologies';

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
    expect(() => buildModel('resnet' as never)).toThrow(/unknown model 'resnet': expected one of tfc, sfc, lfc, cnv, lenet5, vgg7, resnet20, resnet32, resnet56/);
  });
});

describe('CIFAR ResNets', () => {
  /**
   * Trainable parameters of He et al.'s CIFAR ResNet with n blocks a stage and 1x1 projection
   * shortcuts, counted by hand: each convolution's kernel and each BatchNorm's gamma and beta.
   */
  const parameters = (n: number) => {
    const conv = (cin: number, cout: number, k = 3) => cin * cout * k * k + 2 * cout;
    const stage = (cin: number, cout: number) => conv(cin, cout) + conv(cout, cout) + (cin === cout ? 0 : conv(cin, cout, 1)) + (n - 1) * 2 * conv(cout, cout);
    return conv(3, 16) + stage(16, 16) + stage(16, 32) + stage(32, 64) + 64 * 10 + 10;
  };
  const trainable = (m: tfl.LayersModel) => m.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

  test.each([
    ['resnet20', resnet20, 3],
    ['resnet32', resnet32, 5],
    ['resnet56', resnet56, 9],
  ] as const)('%s has 6n + 2 weight layers plus its two projection shortcuts and the parameters counted by hand', (_name, build, n) => {
    const m = build({ seed: 1 });
    expect(m.layers.filter((l) => ['Conv2D', 'Dense'].includes(l.getClassName())).length).toBe(6 * n + 2 + 2);
    expect(trainable(m)).toBe(parameters(n));
    m.dispose();
  });

  test("resnet20's 272,474 parameters are PyTorch's count of the same network (tools/experiments/cifar10/train_pytorch.py); its stages halve the plane and double the filters", () => {
    const m = resnet20({ seed: 1 });
    expect(trainable(m)).toBe(272474);
    const shapeAfter = (name: string) => m.getLayer(name).outputShape;
    expect(shapeAfter('stem_relu')).toEqual([null, 32, 32, 16]);
    expect(shapeAfter('stage1_block3_relu2')).toEqual([null, 32, 32, 16]);
    expect(shapeAfter('stage2_block1_relu2')).toEqual([null, 16, 16, 32]);
    expect(shapeAfter('stage3_block3_relu2')).toEqual([null, 8, 8, 64]);
    const y = tf.tidy(() => tf.sum(m.predict(tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 2)) as tf.Tensor, 1).dataSync());
    expect(Array.from(y).map((s) => s.toFixed(5))).toEqual(['1.00000', '1.00000', '1.00000']);
    m.dispose();
  });

  test('a depth other than 6n + 2 is refused', () => {
    expect(() => cifarResnet(21)).toThrow(/6n \+ 2 layers .* not 21/);
  });
});
