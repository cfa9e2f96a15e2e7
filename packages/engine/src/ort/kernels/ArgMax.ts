import { ArgMax, util, type ArgMaxAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

// ONNX ArgMax returns int64 (and, like TF.js, the first index among ties); cast to TF.js's int32.
export const argMaxConfig = acceleratedKernel(ArgMax, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  const [axis] = util.parseAxisParam((attrs as unknown as ArgMaxAttrs).axis, x.shape);
  if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape))) return null;
  return backend.runGraph(`${ArgMax}(${axis})`, [x], (g, [xName]) => {
    const index = g.op('ArgMax', [xName], { axis, keepdims: 0 });
    return [{ name: g.op('Cast', [index], { to: 6 }), dtype: 'int32' }];
  })[0];
});
