import { MaxPool, type MaxPoolAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';
import { toNchw, toNhwc } from './layout_impl';
import { poolGeometry } from './pool_impl';

export const maxPoolConfig = acceleratedKernel(MaxPool, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape))) return null;
  const { onnxAttrs, key } = poolGeometry(x.shape, attrs as unknown as MaxPoolAttrs);
  return backend.runGraph(`${MaxPool}(${key})`, [x], (g, [xName]) => [
    { name: toNhwc(g, g.op('MaxPool', [toNchw(g, xName)], onnxAttrs)), dtype: 'float32' },
  ])[0];
});
