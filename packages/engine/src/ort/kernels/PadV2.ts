import { PadV2, type PadV2Attrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

export const padV2Config = acceleratedKernel(PadV2, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  const { paddings, constantValue } = attrs as unknown as PadV2Attrs;
  if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape))) return null;
  const pads = [...paddings.map(([before]) => before), ...paddings.map(([, after]) => after)];
  return backend.runGraph(`${PadV2}(${pads},${constantValue})`, [x], (g, [xName]) => [
    { name: g.op('Pad', [xName, g.constInt64(pads), g.constFloat([constantValue], [])]), dtype: 'float32' },
  ])[0];
});
