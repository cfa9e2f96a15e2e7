// The inference graph against TF.js's own inference (model.predict: BatchNorm on its moving
// statistics, dropout off), on a residual convolutional model and a dense one: the same logits
// within 1e-5; a snapshot of the weights, untouched by later training.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization } from '../fused/fused_batch_normalization';
import { quantizedActivation } from '../activation_quant/quantized_activation';
import { initEngine } from '../init_engine';
import { seededRandom } from '../testing/backend_comparison';
import { CompileError } from '../errors';
import { compileForward } from './compile_forward';

beforeAll(() => initEngine({ backend: 'ort' }));

/** Seeded weights in [-1, 1], moving variances and activation clips in [0.5, 1.5]. */
function randomized(model: tfl.LayersModel, seed: number): tfl.LayersModel {
  const r = seededRandom(seed);
  const variances = model.weights.map((w) => /variance|clip/.test(w.name));
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (variances[i] ? 0.5 + r() : r() * 2 - 1)), w.shape)));
  return model;
}

function residual(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  const stem = tfl.layers.reLU().apply(batchNormalization().apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(input))) as tfl.SymbolicTensor;
  const branch = tfl.layers.batchNormalization().apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2 }).apply(stem)) as tfl.SymbolicTensor;
  const shortcut = tfl.layers.conv2d({ filters: 4, kernelSize: 1, strides: 2 }).apply(stem) as tfl.SymbolicTensor;
  const joined = tfl.layers.dropout({ rate: 0.5 }).apply(tfl.layers.reLU().apply(tfl.layers.add().apply([branch, shortcut]))) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(joined) as tfl.SymbolicTensor;
  return randomized(tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 5 }).apply(pooled) as tfl.SymbolicTensor }), 3);
}

const dense = () =>
  randomized(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [7], units: 6, useBias: false }), batchNormalization(), tfl.layers.activation({ activation: 'relu' }), tfl.layers.dense({ units: 3, activation: 'softmax' })] }), 4);

const quantized = () =>
  randomized(
    tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [7], units: 6 }),
        quantizedActivation({ bits: 4, signed: false, range: 'learned', clip: 1.5 }),
        tfl.layers.dense({ units: 5 }),
        quantizedActivation({ bits: 1, signed: true, range: 'fixed', clip: 1 }),
        tfl.layers.dense({ units: 3 }),
      ],
    }),
    6,
  );

const maxError = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

test.each([
  ['residual convolutions, BatchNorm, dropout, global pooling; logits', residual, 5],
  ['dense with BatchNorm ending in softmax: the logits before it', dense, 4],
  ['quantized activations (4-bit with its learned clip, binary)', quantized, 6],
] as const)('%s: the logits of TF.js inference within 1e-5', (_, build, count) => {
  const model = build();
  const sample = model.inputs[0].shape.slice(1) as number[];
  const r = seededRandom(9);
  const x = Float32Array.from({ length: count * sample.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1);
  const last = model.layers[model.layers.length - 1];
  // TF.js's logits: the last layer's pre-activation, through a model that ends at its input.
  const logitsOf = (inputs: tf.Tensor) => {
    const before = last.getConfig().activation === 'softmax' ? tf.log(model.predict(inputs) as tf.Tensor) : (model.predict(inputs) as tf.Tensor);
    return tf.sub(before, tf.logSumExp(before, 1, true));
  };
  const expected = tf.tidy(() => logitsOf(tf.tensor(x, [count, ...sample])).dataSync());
  const forward = compileForward(model);
  expect([forward.sample, forward.classes, forward.softmax]).toEqual([sample, model.outputs[0].shape[1], last.getConfig().activation === 'softmax']);
  const logits = forward.logits(x);
  const normalized = tf.tidy(() => { const l = tf.tensor2d(logits, [count, forward.classes]); return tf.sub(l, tf.logSumExp(l, 1, true)).dataSync(); });
  expect(logits.length).toBe(count * forward.classes);
  expect(maxError(normalized, expected)).toBeLessThan(1e-5);
  // A snapshot: changing the model's weights afterwards changes nothing.
  model.setWeights(model.getWeights().map((w) => tf.zerosLike(w)));
  expect(Array.from(forward.logits(x))).toEqual(Array.from(logits));
  forward.dispose();
}, 60_000);

test('a batch of the wrong size and a layer it does not compile are CompileErrors', () => {
  const forward = compileForward(dense());
  expect(() => forward.logits(new Float32Array(10))).toThrow(/a batch of samples of \[7\] was expected, got 10 values/);
  forward.dispose();
  const odd = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 }), tfl.layers.leakyReLU()] });
  expect(() => compileForward(odd)).toThrow(CompileError);
});
