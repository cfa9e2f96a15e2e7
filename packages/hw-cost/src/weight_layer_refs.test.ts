import { initEngine } from '@sparse-ternary/engine';
import * as tfl from '@tensorflow/tfjs-layers';
import { weightLayers } from './model_layers';
import { weightLayerRefs } from './weight_layer_refs';

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
