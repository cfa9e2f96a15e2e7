import { MaxPoolGrad, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';
import { toNchw, toNhwc } from './layout_impl';
import { poolGeometry } from './pool_impl';

/**
 * dx: each dy goes to the position its window's max came from. ONNX MaxPool's Indices output gives
 * those positions as flat NCHW offsets (the first max among ties, as in TF.js); ScatterElements
 * with add reduction sums the contributions of overlapping windows.
 */
export const maxPoolGradConfig = acceleratedKernel(MaxPoolGrad, ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs;
  if (!allFloat32(dy, input) || !backend.worthOffloading(sizeOf(input.shape))) return null;
  const { onnxAttrs, key } = poolGeometry(input.shape, attrs as unknown as MaxPoolGradAttrs);
  const [n, h, w, c] = input.shape;
  return backend.runGraph(`${MaxPoolGrad}(${key})`, [dy, input], (g, [dyName, xName]) => {
    const [, indices] = g.node('MaxPool', [toNchw(g, xName)], onnxAttrs, 2);
    const flat = g.constInt64([-1]);
    const zeros = g.op('ConstantOfShape', [g.constInt64([n * c * h * w])]);
    const dx = g.op('ScatterElements', [zeros, g.op('Reshape', [indices, flat]), g.op('Reshape', [toNchw(g, dyName), flat])], {
      axis: 0,
      reduction: 'add',
    });
    return [{ name: toNhwc(g, g.op('Reshape', [dx, g.constInt64([n, c, h, w])])), dtype: 'float32' }];
  })[0];
});
