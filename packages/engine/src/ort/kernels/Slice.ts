import { Slice, slice_util, type SliceAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

// A contiguous slice is a cheap subarray on the cpu kernel; only strided slices go to ORT.
export const sliceConfig = acceleratedKernel(Slice, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  const { begin, size } = attrs as unknown as SliceAttrs;
  const [starts, sizes] = slice_util.parseSliceParams(x, begin, size);
  if (!allFloat32(x) || slice_util.isSliceContinous(x.shape, starts, sizes)) return null;
  if (!backend.worthOffloading(sizeOf(sizes))) return null;
  const ends = starts.map((s, i) => s + sizes[i]);
  return backend.runGraph(`${Slice}(${starts},${ends})`, [x], (g, [xName]) => [
    { name: g.op('Slice', [xName, g.constInt64(starts), g.constInt64(ends)]), dtype: 'float32' },
  ])[0];
});
