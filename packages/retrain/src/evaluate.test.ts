import * as tf from '@tensorflow/tfjs-core';
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
