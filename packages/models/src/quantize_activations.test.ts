import { initEngine, QuantizedActivation } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { calibratedClip, hiddenActivations, quantizeActivations } from './quantize_activations';
import { RebuildError } from './rebuild_model';
import { buildModel } from './topologies';

beforeAll(() => initEngine({ backend: 'cpu' }));

const quantizedLayers = (model: tfl.LayersModel) => model.layers.filter((l): l is QuantizedActivation => l instanceof QuantizedActivation);

/** input -> dense (its own ReLU) -> dense -> ReLU layer -> dense softmax, with set weights. */
function small(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 2, activation: 'relu', useBias: false, name: 'first' }),
      tfl.layers.dense({ units: 2, useBias: false, name: 'second' }),
      tfl.layers.reLU({ name: 'relu' }),
      tfl.layers.dense({ units: 2, activation: 'softmax', useBias: false, name: 'classifier' }),
    ],
  });
  // first: identity; second: [[1, -1], [2, 1]]; classifier: identity.
  model.setWeights([tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[1, -1], [2, 1]]), tf.tensor2d([[1, 0], [0, 1]])]);
  return model;
}

test("the hidden ReLUs, a layer's own and a layer of their own, become quantized activations computing what the quantizer does by hand", () => {
  const model = small();
  expect(hiddenActivations(model).map((l) => l.name)).toEqual(['first', 'relu']);
  const { model: quantized, layers } = quantizeActivations(model, { bits: 2, signed: false, range: 'fixed', clip: 3 });
  expect(layers).toEqual([{ name: 'first_act', clip: 3 }, { name: 'relu', clip: 3 }]);
  expect(quantized.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense', 'SparseTernaryQuantizedActivation', 'Dense', 'SparseTernaryQuantizedActivation', 'Dense']);
  // x = [1.4, -2]: first -> relu [1.4, 0] -> 2 bits of 1 -> [1, 0]; second -> [1, -1] -> [1, 0]; softmax([1, 0]).
  // x = [0.4, 2.6]: -> [0, 3]; second -> [6, 3] -> clipped [3, 3].
  const probabilities = (quantized.predict(tf.tensor2d([[1.4, -2], [0.4, 2.6]])) as tf.Tensor).arraySync() as number[][];
  const softmax = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
  probabilities.flat().forEach((p, i) => expect(p).toBeCloseTo([...softmax(1, 0), ...softmax(3, 3)][i], 6));
  // The model passed in is untouched.
  expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'ReLU', 'Dense']);
});

test('a calibrated clip is the candidate of least squared error, by hand: 100 ones and one 10 at 2 bits take 3.6', () => {
  // Candidates 0.1 k. At 3.6 the levels are 0, 1.2, 2.4, 3.6: 100 * 0.2^2 + 6.4^2 = 44.96, less than
  // 3.5's 45.03 and 3.7's 45.13 (and 3.0's 49, where 1 is a level but 10 loses 7).
  const x = tf.tensor1d([...Array(100).fill(1), 10, -4]);
  expect(calibratedClip(x, { bits: 2, signed: false, range: 'calibrated', clip: 1 })).toBeCloseTo(3.6, 5);
});

test('calibrated on images: each layer its own clip; learned clips are trainable weights starting there', () => {
  const model = buildModel('lfc', { seed: 1, widthMultiplier: 0.05 });
  const images = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 3);
  const { model: quantized, layers } = quantizeActivations(model, { bits: 2, signed: false, range: 'learned', clip: 1 }, images);
  expect(layers.length).toBe(3);
  expect(new Set(layers.map((l) => l.clip)).size).toBeGreaterThan(1);
  expect(quantizedLayers(quantized).map((l) => l.clip())).toEqual(layers.map((l) => Math.fround(l.clip)));
  expect(quantized.trainableWeights.filter((w) => w.name.includes('clip')).length).toBe(3);
  expect(() => quantizeActivations(model, { bits: 2, signed: false, range: 'calibrated', clip: 1 })).toThrow(/calibrated on images/);
});

test('a residual network: every hidden ReLU quantized (ResNet-20 has 19), the output shape kept', () => {
  const model = buildModel('resnet20', { seed: 1 });
  const { model: quantized } = quantizeActivations(model, { bits: 1, signed: true, range: 'fixed', clip: 1 });
  expect(quantizedLayers(quantized).length).toBe(19);
  expect(quantized.outputs[0].shape).toEqual(model.outputs[0].shape);
  expect(quantized.countParams()).toBe(model.countParams() + 19);
});

test('a layer used twice is a RebuildError naming it', () => {
  const input = tfl.input({ shape: [3] });
  const shared = tfl.layers.dense({ units: 3, activation: 'relu', name: 'shared_dense' });
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(shared.apply(shared.apply(input))) as tfl.SymbolicTensor });
  expect(() => quantizeActivations(model, { bits: 2, signed: false, range: 'fixed', clip: 1 })).toThrow(RebuildError);
  expect(() => quantizeActivations(model, { bits: 2, signed: false, range: 'fixed', clip: 1 })).toThrow(/shared_dense/);
});
