import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32 } from '../accelerated_kernel';
import { im2col } from './im2col_impl';
import { toNhwc } from './layout_impl';

/**
 * dW = im2col(x)^T . dy: one GEMM of [KH*KW*CI, N*OH*OW] by [N*OH*OW, CO], reshaped to
 * [KH, KW, CI, CO]. Measured 1.6-4.8x faster here than dW as a convolution of x by dy.
 */
export const conv2DBackpropFilterConfig = acceleratedKernel(Conv2DBackpropFilter, ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs;
  const { filterShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (!allFloat32(x, dy)) return null;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const macs = info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.filterHeight * info.filterWidth * info.inChannels;
  if (!backend.worthOffloading(macs)) return null;
  const key = `${Conv2DBackpropFilter}(${JSON.stringify(info.padInfo)},${info.strideHeight},${info.strideWidth},${dataFormat},${filterShape})`;
  return backend.runGraph(key, [x, dy], (g, [xName, dyName]) => {
    const nhwc = (t: string) => (dataFormat === 'NCHW' ? toNhwc(g, t) : t);
    const dyRows = g.op('Reshape', [nhwc(dyName), g.constInt64([-1, info.outChannels])]);
    const dw = g.op('Gemm', [im2col(g, nhwc(xName), info), dyRows], { transA: 1 });
    return [{ name: g.op('Reshape', [dw, g.constInt64(filterShape)]), dtype: 'float32' }];
  })[0];
});
