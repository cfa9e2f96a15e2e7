// The PyTorch-exported models in ../shared/models: the imported TF.js model reproduces PyTorch's
// logits and the recorded test accuracy on Fashion-MNIST.
import { loadDataset } from '@sparse-ternary/datasets';
import { initEngine } from '@sparse-ternary/engine';
import { accuracy } from '@sparse-ternary/retrain';
import * as tf from '@tensorflow/tfjs-core';
import { importOnnx } from './index';
import { referenceCase, sharedModel, SHARED_MODELS } from './testing/shared_models';

beforeAll(() => initEngine({ backend: 'ort' }));

describe.each(SHARED_MODELS)('%s.onnx (PyTorch export)', (name) => {
  const reference = referenceCase(name);

  test('keeps its ONNX interface: input, layout, output', () => {
    const { model, signature } = importOnnx(sharedModel(name));
    expect(signature).toEqual({ inputs: [{ name: 'input', layout: 'NCHW' }], outputs: [{ name: 'logits' }], opset: 13, producer: 'pytorch' });
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
  });

  test('logits match PyTorch within 1e-4', () => {
    const { model } = importOnnx(sharedModel(name));
    const logits = tf.tidy(() => (model.predict(tf.transpose(tf.tensor(reference.input, reference.inputShape), [0, 2, 3, 1])) as tf.Tensor).dataSync());
    expect(logits.length).toBe(reference.logits.length);
    reference.logits.forEach((expected, i) => expect(Math.abs(logits[i] - expected)).toBeLessThan(1e-4));
  });

  test(`test accuracy on ${reference.dataset.split(' ')[0]} matches the recorded one`, () => {
    // The Debian package's files; loading fails (and so does the test) when it is not installed.
    const { test: testSet } = loadDataset('fashion-mnist', { env: {} });
    expect(testSet.count).toBe(10000);
    const { model } = importOnnx(sharedModel(name));
    expect(accuracy(model, testSet, { scale: 'unit' })).toBeCloseTo(reference.testAccuracy, 4);
  });
});
