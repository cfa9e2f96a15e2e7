// The PyTorch-exported models in fixtures/models: the imported TF.js model reproduces PyTorch's
// logits and its accuracy on the Fashion-MNIST slice.
import { initEngine } from '@sparse-ternary/engine';
import { accuracy } from '@sparse-ternary/retrain';
import * as tf from '@tensorflow/tfjs-core';
import { importOnnx } from './index';
import { fashionMnistSlice, referenceCase, referenceModel, REFERENCE_MODELS, sliceImages } from './testing/reference_models';

beforeAll(() => initEngine({ backend: 'ort' }));

describe.each(REFERENCE_MODELS)('%s.onnx (PyTorch export)', (name) => {
  const reference = referenceCase(name);

  test('keeps its ONNX interface: input, layout, output', () => {
    const { model, signature } = importOnnx(referenceModel(name));
    expect(signature).toEqual({ inputs: [{ name: 'input', layout: 'NCHW' }], outputs: [{ name: 'logits' }], opset: 13, producer: 'pytorch' });
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
  });

  test('logits match PyTorch within 1e-4', () => {
    const { model } = importOnnx(referenceModel(name));
    const [count] = reference.inputShape;
    const logits = tf.tidy(() => (model.predict(tf.tensor(sliceImages(count), [count, 28, 28, 1])) as tf.Tensor).dataSync());
    expect(logits.length).toBe(reference.logits.length);
    reference.logits.forEach((expected, i) => expect(Math.abs(logits[i] - expected)).toBeLessThan(1e-4));
  });

  test("accuracy on the slice's 1,000 test images is PyTorch's", () => {
    const { test: testSet } = fashionMnistSlice();
    expect(testSet.count).toBe(1000);
    expect(Array.from(testSet.labels.subarray(0, reference.labels.length))).toEqual(reference.labels);
    const { model } = importOnnx(referenceModel(name));
    expect(accuracy(model, testSet, { scale: 'unit' })).toBeCloseTo(reference.sliceAccuracy, 4);
  });
});
