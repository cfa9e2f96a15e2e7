import { Cast, type CastAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, sizeOf } from '../accelerated_kernel';
import type { GraphDataType } from '../onnx_graph';

const ONNX_TYPE: Partial<Record<string, number>> = { float32: 1, int32: 6, bool: 9 };

// float -> int32 truncates toward zero and anything -> bool tests x != 0, in both TF.js and ORT.
export const castConfig = acceleratedKernel(Cast, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  const { dtype } = attrs as unknown as CastAttrs;
  const to = ONNX_TYPE[dtype];
  if (to === undefined || ONNX_TYPE[x.dtype] === undefined || x.dtype === dtype) return null;
  if (!backend.worthOffloading(sizeOf(x.shape))) return null;
  return backend.runGraph(`${Cast}(${dtype})`, [x], (g, [xName]) => [
    { name: g.op('Cast', [xName], { to }), dtype: dtype as GraphDataType },
  ])[0];
});
