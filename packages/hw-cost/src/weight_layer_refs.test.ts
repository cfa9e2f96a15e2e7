import { initEngine } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layerMemory } from './memory';
import { weightLayers } from './model_layers';
import { channelLayout, weightLayerRefs } from './weight_layer_refs';
import { kernelLevels } from './weight_levels';

beforeAll(() => initEngine({ backend: 'cpu' }));

test('weight layers are the dense, convolution, depthwise and transposed convolution layers, in order, with their kernels', () => {
  const input = tfl.input({ shape: [4, 4, 2] });
  let x = tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, name: 'up' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'depthwise' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.prelu({ name: 'prelu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 3, name: 'fc' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: x });
  const refs = weightLayerRefs(model);
  expect(refs.map((r) => [r.layer.name, r.kind, r.kernel.shape])).toEqual([
    ['up', 'transposedConv', [2, 2, 2, 2]],
    ['conv', 'conv', [3, 3, 2, 4]],
    ['depthwise', 'depthwise', [3, 3, 4, 2]],
    ['fc', 'dense', [128, 3]],
  ]);
  // A transposed convolution uses its kernel once per input pixel (4 x 4), a convolution once per output pixel (6 x 6).
  expect(weightLayers(model).map((l) => [l.name, l.positions, l.matrix.rows, l.matrix.cols])).toEqual([
    ['up', 16, 2, 8],
    ['conv', 36, 4, 18],
    ['depthwise', 16, 8, 9],
    ['fc', 1, 3, 128],
  ]);
});

test("a kernel's output channels: the last axis; a depthwise kernel's channel-multiplier pairs; a transposed kernel's third axis", () => {
  expect(channelLayout('dense', [128, 3])).toEqual({ count: 3, inner: 1 });
  expect(channelLayout('conv', [3, 3, 2, 4])).toEqual({ count: 4, inner: 1 });
  expect(channelLayout('depthwise', [3, 3, 4, 2])).toEqual({ count: 8, inner: 1 });
  expect(channelLayout('transposedConv', [2, 2, 5, 3])).toEqual({ count: 5, inner: 3 });
});

test('levels: one scale for the layer, else one per output channel where each channel has one, else float; memory counts a 32-bit scale each', () => {
  // [2 inputs, 3 outputs]: channel 0 holds 0.5, -0.5; channel 1 holds 0, 0.25; channel 2 holds -0.5, 0.
  const perChannel = [0.5, 0, -0.5, -0.5, 0.25, 0];
  const channels = { count: 3, inner: 1 };
  expect(kernelLevels([0.5, 0, -0.5, 0.5], channels)).toEqual({ levels: 'ternary', alpha: 0.5, zeros: 1 });
  expect(kernelLevels(perChannel)).toEqual({ levels: 'float', alpha: 0.5, zeros: 2 });
  expect(kernelLevels(perChannel, channels)).toEqual({ levels: 'ternary', alpha: 0.5, alphas: Float32Array.of(0.5, 0.25, 0.5), zeros: 2 });
  expect(kernelLevels([0.5, 0.1, -0.5, -0.5, 0.25, 0], channels).levels).toBe('float');
  const input = tfl.input({ shape: [2] });
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 3, useBias: false }).apply(input) as tfl.SymbolicTensor });
  model.setWeights([tf.tensor2d(perChannel, [2, 3])]);
  const [layer] = weightLayers(model);
  expect([layer.levels, layer.scales]).toEqual(['ternary', 3]);
  // 6 weights: binary 6 bits, dense ternary 12, each plus three 32-bit scales.
  expect(layerMemory(layer)).toMatchObject({ binary: 6 + 96, ternary: 12 + 96, float32: 192 });
});
