import { AvgPool, type AvgPoolAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';
import { toNchw, toNhwc } from './layout_impl';
import { poolGeometry } from './pool_impl';

// TF.js averages over the window's valid positions only: count_include_pad = 0.
export const avgPoolConfig = acceleratedKernel(AvgPool, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape))) return null;
  const { onnxAttrs, key } = poolGeometry(x.shape, attrs as unknown as AvgPoolAttrs);
  return backend.runGraph(`${AvgPool}(${key})`, [x], (g, [xName]) => [
    { name: toNhwc(g, g.op('AveragePool', [toNchw(g, xName)], { ...onnxAttrs, count_include_pad: 0 })), dtype: 'float32' },
  ])[0];
});
