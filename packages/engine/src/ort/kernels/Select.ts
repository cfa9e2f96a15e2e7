import { Select } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

// TF.js also lets a rank-1 condition pick whole rows; ONNX Where broadcasts differently, so only
// same-rank conditions are accelerated.
export const selectConfig = acceleratedKernel(Select, ({ inputs, backend }) => {
  const { condition, t, e } = inputs;
  if (condition.dtype !== 'bool' || !allFloat32(t, e) || condition.shape.length !== t.shape.length) return null;
  if (!backend.worthOffloading(sizeOf(t.shape))) return null;
  return backend.runGraph(Select, [condition, t, e], (g, [c, tName, eName]) => [
    { name: g.op('Where', [c, tName, eName]), dtype: 'float32' },
  ])[0];
});
