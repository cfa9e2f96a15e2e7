import { Softmax, type SoftmaxAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

export const softmaxConfig = acceleratedKernel(Softmax, ({ inputs, attrs, backend }) => {
  const { logits } = inputs;
  const { dim } = attrs as unknown as SoftmaxAttrs;
  if (!allFloat32(logits) || !backend.worthOffloading(sizeOf(logits.shape))) return null;
  return backend.runGraph(`${Softmax}(${dim})`, [logits], (g, [x]) => [
    { name: g.op('Softmax', [x], { axis: dim }), dtype: 'float32' },
  ])[0];
});
