// Imported PyTorch-style networks (a residual one: strided convolution, padded max pooling, a
// residual addition, global pooling, Flatten and Gemm; a grouped convolution) train in the engine's
// compiled step: one SGD step moves each weight by TF.js's own gradient of the softmax
// cross-entropy on its logits.
import { compileTrainingStep, initEngine } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import { importOnnx } from './index';
import { randomFloats, singleInputModel } from './testing/onnx_fixtures';

beforeAll(() => initEngine({ backend: 'ort' }));

const N = 4;
const CLASSES = 3;

const residualNet = () =>
  singleInputModel(['N', 3, 12, 12], (b, x, w) => {
    const conv = (input: string, cin: number, strides = 1) => b.op('Conv', [input, w([6, cin, 3, 3], randomFloats(6 * cin * 9, 40 + cin * strides, 0.3)), w([6])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [strides, strides] });
    const stem = b.op('MaxPool', [b.op('Relu', [conv(x, 3, 2)])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] });
    const block = b.op('Relu', [b.op('Add', [conv(b.op('Relu', [conv(stem, 6)]), 6), stem])]);
    return b.op('Gemm', [b.op('Flatten', [b.op('GlobalAveragePool', [block])]), w([CLASSES, 6]), w([CLASSES])], { transB: 1 });
  });

const groupedNet = () =>
  singleInputModel(['N', 4, 9, 9], (b, x, w) => {
    // ResNeXt's grouped 3x3 (2 groups of 2 input channels, strided) then a 1x1 convolution.
    const grouped = b.op('Conv', [x, w([6, 2, 3, 3], randomFloats(6 * 2 * 9, 51, 0.4)), w([6])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], group: 2 });
    const mixed = b.op('Conv', [b.op('Relu', [grouped]), w([6, 6, 1, 1], randomFloats(36, 52, 0.4))], { kernel_shape: [1, 1] });
    return b.op('Gemm', [b.op('Flatten', [b.op('GlobalAveragePool', [b.op('Relu', [mixed])])]), w([CLASSES, 6]), w([CLASSES])], { transB: 1 });
  });

/** One compiled SGD step (learning rate 1) on the imported model against TF.js's gradient of the same loss, weight by weight. */
function expectCompiledStepMatchesTfjs(bytes: Uint8Array, inputShape: [number, number, number], layerClasses: string[]) {
  const reference = importOnnx(bytes).model;
  const x = randomFloats(N * inputShape.reduce((a, b) => a * b, 1), 9);
  const y = Float32Array.from({ length: N * CLASSES }, (_, i) => (i % CLASSES === Math.floor(i / CLASSES) % CLASSES ? 1 : 0));
  const trainable = reference.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.tensor(y, [N, CLASSES]), reference.apply(tf.tensor(x, [N, ...inputShape]), { training: true }) as tf.Tensor) as tf.Scalar, trainable);
  const expected = trainable.map((v) => tf.sub(v, grads[v.name]).dataSync());

  const model = importOnnx(bytes).model;
  expect(model.layers.map((l) => l.getClassName())).toEqual(expect.arrayContaining(layerClasses));
  const step = compileTrainingStep(model, { optimizer: { kind: 'sgd', learningRate: 1 }, output: 'logits' });
  const { loss } = step.step(x, y);
  step.writeBack();
  step.dispose();
  expect(loss).toBeCloseTo(value.dataSync()[0], 5);
  model.trainableWeights.forEach((w, i) => {
    const actual = w.read().dataSync();
    const scale = Math.max(...Array.from(expected[i], Math.abs));
    const error = Math.max(...Array.from(actual, (v, k) => Math.abs(v - expected[i][k]))) / scale;
    expect({ weight: w.name, close: error < 1e-4 }).toEqual({ weight: w.name, close: true });
  });
}

test('an imported residual network: one compiled SGD step moves each weight by its TF.js gradient within 1e-4', () => {
  expectCompiledStepMatchesTfjs(residualNet(), [12, 12, 3], ['Add', 'GlobalAveragePooling2D', 'SparseTernaryConstantPadding2D']);
}, 60_000);

test('an imported grouped convolution: one compiled SGD step moves each weight by its TF.js gradient within 1e-4', () => {
  expectCompiledStepMatchesTfjs(groupedNet(), [9, 9, 4], ['SparseTernaryGroupedConv2D']);
}, 60_000);
