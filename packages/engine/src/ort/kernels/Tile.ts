import { Tile, type TileAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

export const tileConfig = acceleratedKernel(Tile, ({ inputs, attrs, backend }) => {
  const { x } = inputs;
  const { reps } = attrs as unknown as TileAttrs;
  if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape) * sizeOf(reps))) return null;
  return backend.runGraph(`${Tile}(${reps})`, [x], (g, [xName]) => [
    { name: g.op('Tile', [xName, g.constInt64(reps)]), dtype: 'float32' },
  ])[0];
});
