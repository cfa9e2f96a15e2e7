import { initEngine } from '@sparse-ternary/engine';
import * as tfl from '@tensorflow/tfjs-layers';
import { weightLayerRefs } from './weight_layer_refs';

beforeAll(() => initEngine({ backend: 'cpu' }));

test('weight layers are the dense, convolution and depthwise layers, in order, with their kernels', () => {
  const input = tfl.input({ shape: [8, 8, 2] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'depthwise' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.prelu({ name: 'prelu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 3, name: 'fc' }).apply(x) as tfl.SymbolicTensor;
  const refs = weightLayerRefs(tfl.model({ inputs: input, outputs: x }));
  expect(refs.map((r) => [r.layer.name, r.kind, r.kernel.shape])).toEqual([
    ['conv', 'conv', [3, 3, 2, 4]],
    ['depthwise', 'depthwise', [3, 3, 4, 2]],
    ['fc', 'dense', [128, 3]],
  ]);
});
