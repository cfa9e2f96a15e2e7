// Layer geometry from TF.js models, and operation counts against a brute-force run of the layer.
import { initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layerOperations, otherParameters, weightLayers, type WeightLayer } from './index';

beforeAll(() => initEngine({ backend: 'cpu' }));

/** A model of one layer whose kernel is ternary, with about a third of its weights zero. */
function oneLayer(layer: tfl.layers.Layer, inputShape: number[]): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
  const random = seededRandom(4);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (i === 0 ? 0.5 * (Math.floor(random() * 3) - 1) : random())), w.shape)));
  return model;
}

/**
 * Runs a layer the slow way on channels-last input, from its canonical ternary matrix (times
 * alpha), counting what each scheme executes: its output checks the matrix against TF.js.
 */
function bruteForce(layer: WeightLayer, input: Float32Array, [, w, c]: number[], window: { kh: number; kw: number; oh: number; ow: number }) {
  const counts = { floatMacs: 0, binaryXnorPopcounts: 0, ternaryAddSubs: 0, sparseAddSubs: 0, sparseScaleMultiplies: 0, bitOperations: 0 };
  const { rows, cols, values } = layer.matrix;
  const output: number[] = [];
  for (let y = 0; y < window.oh; y++) {
    for (let x = 0; x < window.ow; x++) {
      for (let o = 0; o < rows; o++) {
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          // Fan-in j of output o: (ky, kx, channel) for conv; (ky, kx) of o's own channel for depthwise.
          const [ky, kx, ch] = layer.kind === 'depthwise' ? [Math.floor(j / window.kw), j % window.kw, Math.floor(o / (rows / c))] : [Math.floor(j / (window.kw * c)), Math.floor(j / c) % window.kw, j % c];
          const value = layer.kind === 'dense' ? input[j] : input[((y + ky) * w + (x + kx)) * c + ch];
          counts.floatMacs++;
          counts.binaryXnorPopcounts++;
          counts.ternaryAddSubs++;
          if (values[o * cols + j] !== 0) {
            counts.sparseAddSubs++;
            // a 2-bit ternary weight times a float32 input
            counts.bitOperations += 2 * 32;
            sum += values[o * cols + j] * value;
          }
        }
        counts.sparseScaleMultiplies++;
        output.push(sum * layer.alpha);
      }
    }
  }
  return { counts, output };
}

describe.each([
  ['dense', () => tfl.layers.dense({ units: 6, useBias: false }), [10], { kh: 1, kw: 1, oh: 1, ow: 1 }],
  ['conv', () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, useBias: false }), [6, 5, 3], { kh: 3, kw: 3, oh: 4, ow: 3 }],
  ['depthwise', () => tfl.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, useBias: false }), [4, 4, 3], { kh: 2, kw: 2, oh: 3, ow: 3 }],
] as const)('%s layer', (kind, make, inputShape, window) => {
  test('its ternary matrix computes what TF.js computes, and the counted operations are the formulas', () => {
    const model = oneLayer(make(), [...inputShape]);
    const [layer] = weightLayers(model);
    expect(layer.kind).toBe(kind);
    expect(layer.levels).toBe('ternary');
    expect(layer.positions).toBe(window.oh * window.ow);
    const random = seededRandom(9);
    const input = Float32Array.from({ length: inputShape.reduce((a, b) => a * b, 1) }, () => random() - 0.5);
    const expected = (model.predict(tf.tensor(input, [1, ...inputShape])) as tf.Tensor).dataSync();
    const shape = inputShape.length === 3 ? [...inputShape] : [1, 1, inputShape[0]];
    const { counts, output } = bruteForce(layer, input, shape, window);
    output.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(layerOperations(layer)).toEqual(counts);
  });
});

test('biases and BatchNorm parameters are counted apart from the kernels', () => {
  const input = tfl.input({ shape: [8] });
  const dense = tfl.layers.dense({ units: 4 }).apply(input) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.batchNormalization().apply(dense) as tfl.SymbolicTensor });
  // 4 biases + 4 x (gamma, beta, moving mean, moving variance)
  expect(otherParameters(model, weightLayers(model))).toBe(4 + 16);
});
