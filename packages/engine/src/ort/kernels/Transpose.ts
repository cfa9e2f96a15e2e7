import { Transpose, type TransposeAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

export const transposeConfig = acceleratedKernel(Transpose, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  const { perm } = attrs as unknown as TransposeAttrs;
  if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape))) return null;
  return backend.runGraph(`${Transpose}(${perm})`, [x], (g, [xName]) => [
    { name: g.op('Transpose', [xName], { perm }), dtype: 'float32' },
  ])[0];
});
