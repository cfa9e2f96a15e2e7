import { Concat, util, type ConcatAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

export const concatConfig = acceleratedKernel(Concat, ({ inputs, attrs, backend }) => {
  const tensors = inputs as unknown as TensorInfo[];
  const [axis] = util.parseAxisParam((attrs as unknown as ConcatAttrs).axis, tensors[0].shape);
  const total = tensors.reduce((n, t) => n + sizeOf(t.shape), 0);
  // Empty parts are dropped by the cpu kernel's shape logic; leave those cases to it.
  if (!allFloat32(...tensors) || tensors.some((t) => sizeOf(t.shape) === 0) || !backend.worthOffloading(total)) return null;
  return backend.runGraph(`${Concat}(${axis})`, tensors, (g, names) => [
    { name: g.op('Concat', names, { axis }), dtype: 'float32' },
  ])[0];
});
