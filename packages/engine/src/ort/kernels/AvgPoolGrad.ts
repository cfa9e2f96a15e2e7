import { AvgPoolGrad, type AvgPoolGradAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';
import { toNchw, toNhwc } from './layout_impl';
import { poolGeometry } from './pool_impl';

/**
 * dx spreads dy / (window size) over each window: a depthwise ConvTranspose with a ones kernel.
 * Like TF.js's own kernel, it divides by the full window size even where the window overlaps padding.
 */
export const avgPoolGradConfig = acceleratedKernel(AvgPoolGrad, ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs;
  if (!allFloat32(dy, input) || !backend.worthOffloading(sizeOf(input.shape))) return null;
  const { info, onnxAttrs, key } = poolGeometry(input.shape, { ...(attrs as unknown as AvgPoolGradAttrs) });
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const channels = input.shape[3];
  const windowSize = filterHeight * filterWidth;
  return backend.runGraph(`${AvgPoolGrad}(${key})`, [dy, input], (g, [dyName]) => {
    const kernel = g.constFloat(new Float32Array(channels * windowSize).fill(1 / windowSize), [channels, 1, filterHeight, filterWidth]);
    const outputPadding = [
      inHeight - ((outHeight - 1) * strideHeight + filterHeight - padInfo.top - padInfo.bottom),
      inWidth - ((outWidth - 1) * strideWidth + filterWidth - padInfo.left - padInfo.right),
    ];
    const dx = g.op('ConvTranspose', [toNchw(g, dyName), kernel], { ...onnxAttrs, group: channels, output_padding: outputPadding });
    return [{ name: toNhwc(g, dx), dtype: 'float32' }];
  })[0];
});
