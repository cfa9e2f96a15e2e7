import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '@sparse-ternary/engine';
import { trainingHead } from './training_head';

beforeAll(() => initEngine({ backend: 'cpu' }));

function denseModel(activation: 'softmax' | 'linear', separateSoftmax: boolean): tfl.LayersModel {
  const input = tfl.input({ shape: [3] });
  let out = tfl.layers.dense({ units: 2, activation, kernelInitializer: 'ones' }).apply(input) as tfl.SymbolicTensor;
  if (separateSoftmax) out = tfl.layers.activation({ activation: 'softmax' }).apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('trainingHead', () => {
  const yTrue = () => tf.tensor2d([[1, 0]]);

  test('a fused softmax output is trained on its probabilities: -log p', () => {
    const head = trainingHead(denseModel('softmax', false));
    expect(head.output).toBe('probabilities');
    const loss = head.loss(yTrue(), tf.tensor2d([[0.25, 0.75]])).dataSync()[0];
    expect(loss).toBeCloseTo(-Math.log(0.25), 6);
  });

  test('logits are trained with softmax cross-entropy from logits', () => {
    const head = trainingHead(denseModel('linear', false));
    expect(head.output).toBe('logits');
    // logits (0, ln 3) give p = (1/4, 3/4)
    expect(head.loss(yTrue(), tf.tensor2d([[0, Math.log(3)]])).dataSync()[0]).toBeCloseTo(-Math.log(0.25), 5);
  });

  test('a separate final Softmax is skipped: the head outputs the logits before it, sharing the weights', () => {
    const model = denseModel('linear', true);
    const head = trainingHead(model);
    expect(head.output).toBe('logits');
    const x = tf.tensor2d([[1, 2, 3]]);
    expect(Array.from((head.model.predict(x) as tf.Tensor).dataSync())).toEqual([6, 6]);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual([0.5, 0.5]);
    expect(head.model.trainableWeights.map((w) => w.name)).toEqual(model.trainableWeights.map((w) => w.name));
  });
});
