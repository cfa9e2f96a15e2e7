// Every activation quantizer's two faces against hand-computed values: the TF.js face's outputs and
// gradients (to x and to the clip), and the graph face's, run in onnxruntime on the same inputs.
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../init_engine';
import { loadSyncSession } from '../ort/ort_binding';
import { StepGraph } from '../compiled/step_graph';
import { ActivationQuantizationError } from '../errors';
import { activationQuantization, quantizerKind, type ActivationQuantization } from './activation_quantization';
import { ACTIVATION_QUANTIZERS } from './activation_quantizers';
import { quantizedActivation } from './quantized_activation';

beforeAll(() => initEngine({ backend: 'ort' }));

interface Case {
  quantization: ActivationQuantization;
  x: number[];
  dy: number[];
  value: number[];
  dx: number[];
  dclip: number;
}

// By hand: clip, divide by the step (clip / positive steps), round half to even, multiply back.
const CASES: [string, Case][] = [
  [
    // steps 3 of 1: 0.5 -> 0 and 1.5 -> 2 (half to even); inside 0 < x < 3; the clip's gradient sums dy where x >= 3.
    'unsigned 2-bit, clip 3',
    { quantization: { bits: 2, signed: false, range: 'learned', clip: 3 }, x: [-1, 0.4, 0.5, 1.5, 2.6, 3, 4], dy: [1, 2, 3, 4, 5, 6, 7], value: [0, 0, 0, 2, 3, 3, 3], dx: [0, 2, 3, 4, 5, 0, 0], dclip: 13 },
  ],
  [
    // one step of 2 each side (ternary): -1.2 / 2 = -0.6 -> -1, -1 / 2 = -0.5 -> -0, 1 / 2 -> 0; the clip's gradient +dy above 2, -dy below -2.
    'signed 2-bit (ternary), clip 2',
    { quantization: { bits: 2, signed: true, range: 'learned', clip: 2 }, x: [-3, -1.2, -1, 0.9, 1, 2.5], dy: [1, 2, 3, 4, 5, 6], value: [-2, -2, 0, 0, 0, 2], dx: [0, 2, 3, 4, 5, 0], dclip: 5 },
  ],
  [
    // 255 steps of 1/255: 0.2 * 255 = 51, 0.75 * 255 = 191.25 -> 191.
    'unsigned 8-bit, clip 1',
    { quantization: { bits: 8, signed: false, range: 'fixed', clip: 1 }, x: [0.2, 0.75, 1.2], dy: [1, 1, 1], value: [51 / 255, 191 / 255, 1], dx: [1, 1, 0], dclip: 1 },
  ],
  [
    // 7 steps of 0.5 each side: 1.3 / 0.5 = 2.6 -> 3, -0.8 / 0.5 = -1.6 -> -2.
    'signed 4-bit, clip 3.5',
    { quantization: { bits: 4, signed: true, range: 'fixed', clip: 3.5 }, x: [1.3, -0.8, -4], dy: [1, 1, 2], value: [1.5, -1, -3.5], dx: [1, 1, 0], dclip: -2 },
  ],
  [
    // the sign (0 -> +1); the gradient where |x| <= 1; the clip takes none.
    'binary',
    { quantization: { bits: 1, signed: true, range: 'fixed', clip: 1 }, x: [-2, -0.5, 0, 0.7, 3], dy: [1, 2, 3, 4, 5], value: [-1, -1, 1, 1, 1], dx: [0, 2, 3, 4, 0], dclip: 0 },
  ],
];

const close = (actual: ArrayLike<number>, expected: number[]) => expect(Array.from(actual).map((v) => Number(v.toFixed(6)))).toEqual(expected.map((v) => Number(v.toFixed(6))));

test.each(CASES)('%s, TF.js: outputs and gradients by hand', (_, c) => {
  const quantizer = ACTIVATION_QUANTIZERS[quantizerKind(c.quantization)];
  const x = tf.tensor1d(c.x);
  const clip = tf.scalar(c.quantization.clip);
  close(quantizer.apply(x, clip, c.quantization).dataSync(), c.value);
  const [dx, dclip] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(quantizer.apply(a, b as tf.Scalar, c.quantization), tf.tensor1d(c.dy))))([x, clip]);
  close(dx.dataSync(), c.dx);
  close(dclip.dataSync(), [c.dclip]);
});

test.each(CASES)('%s, the graph in onnxruntime: outputs and gradients by hand', (_, c) => {
  const graph = new StepGraph();
  const x = graph.b.input('x', 'float32', [c.x.length]);
  const dy = graph.b.input('dy', 'float32', [c.x.length]);
  const quantizer = ACTIVATION_QUANTIZERS[quantizerKind(c.quantization)];
  const clip = quantizer.clipped ? graph.b.input('clip', 'float32', []) : undefined;
  const quantized = quantizer.write(graph, x, clip, c.quantization);
  const { input, clip: clipGradient } = quantized.backward(dy);
  for (const [value, name] of [[quantized.value, 'value'], [input, 'dx'], [clipGradient ?? graph.scalar(0), 'dclip']] as const) {
    graph.b.rename(graph.op('Identity', [value]), name);
    graph.b.output(name, 'float32');
  }
  const session = loadSyncSession(graph.b.build(), { intraOpNumThreads: 1, allowSpinning: false });
  const feed = (values: number[], dims: number[]) => ({ type: 'float32' as const, data: Float32Array.from(values), dims });
  const out = session.run({ x: feed(c.x, [c.x.length]), dy: feed(c.dy, [c.x.length]), ...(clip ? { clip: feed([c.quantization.clip], []) } : {}) });
  session.dispose();
  close(out.value.data as Float32Array, c.value);
  close(out.dx.data as Float32Array, c.dx);
  close(out.dclip.data as Float32Array, [c.dclip]);
});

test('the layer: its clip a trainable weight only when learned, and its config round-trips', () => {
  const learned = quantizedActivation({ bits: 2, signed: false, range: 'learned', clip: 3 });
  const fixed = quantizedActivation({ bits: 2, signed: false, range: 'calibrated', clip: 6 });
  for (const layer of [learned, fixed]) layer.apply(tf.zeros([1, 4]));
  expect([learned.trainableWeights.length, fixed.trainableWeights.length, fixed.nonTrainableWeights.length]).toEqual([1, 0, 1]);
  // Steps of 2: 1 -> 0 (half to even), 2.9 -> 2, 3.1 -> 4, 7 -> 6 (clipped).
  close((fixed.apply(tf.tensor2d([[1, 2.9, 3.1, 7]])) as tf.Tensor).dataSync(), [0, 2, 4, 6]);
  expect(fixed.getConfig()).toMatchObject({ bits: 2, signed: false, range: 'calibrated', clip: 6 });
});

test.each([
  [{ bits: 0 }, 'activation bits must be an integer from 1 to 8, got 0'],
  [{ bits: 16 }, 'activation bits must be an integer from 1 to 8, got 16'],
  [{ clip: -1 }, 'activation clip must be a positive number, got -1'],
  [{ clip: Number.NaN }, 'activation clip must be a positive number, got NaN'],
  [{ range: 'percentile' }, "activation range must be one of fixed, calibrated, learned, got 'percentile'"],
])('%j is an ActivationQuantizationError saying what was wrong', (change, message) => {
  const make = () => activationQuantization({ bits: 2, signed: false, range: 'fixed', clip: 1, ...change } as ActivationQuantization);
  expect(make).toThrow(ActivationQuantizationError);
  expect(make).toThrow(message);
});
