import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import { sfc } from '@sparse-ternary/models';
import { NonFiniteOutputError } from './errors';
import { accuracy } from './evaluate';
import { mnistSubset } from './testing/mnist_subset';

beforeAll(() => initEngine({ backend: 'cpu' }));

test("a model whose weights are NaN is not scored (argmax of NaN is class 0): the error names the first layer with non-finite outputs", () => {
  const { test: images } = mnistSubset(0, 50);
  const model = sfc({ widthMultiplier: 0.125, seed: 1 });
  expect(accuracy(model, images)).toBeGreaterThanOrEqual(0);
  const second = model.layers.filter((l) => l.getClassName() === 'Dense')[1];
  const [kernel, ...rest] = second.getWeights();
  second.setWeights([tf.fill(kernel.shape, NaN), ...rest]);
  const before = tf.memory().numTensors;
  expect(() => accuracy(model, images)).toThrow(NonFiniteOutputError);
  expect(() => accuracy(model, images)).toThrow(`layer '${second.name}' computes non-finite values`);
  expect(tf.memory().numTensors).toBe(before);
});

test("flip test-time augmentation scores the mean output on each image and its mirror image, by hand", () => {
  // Images of two pixels (l, r); the logits are (2l, r): plain, class 1 where r > 2l; with the
  // mirror image's (2r, l) averaged in, (l + r, (l + r) / 2): class 0 always.
  const images = { images: Uint8Array.of(10, 100, 100, 10, 30, 100), labels: Uint8Array.of(1, 0, 1), count: 3, imageShape: [1, 2, 1] as [number, number, number], numClasses: 2 };
  const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [1, 2, 1] }), tfl.layers.dense({ units: 2, useBias: false })] });
  model.setWeights([tf.tensor2d([2, 0, 0, 1], [2, 2])]);
  expect(accuracy(model, images)).toBe(1);
  expect(accuracy(model, images, {}, undefined, 'flip')).toBeCloseTo(1 / 3, 12);
});
