import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32 } from '../accelerated_kernel';
import { convGeometry, convMacs } from './conv_impl';
import { fromNchw, HWIO_TO_OIHW, inNchw, onnxPads } from './layout_impl';

// The gradient of a convolution with respect to its input is the transposed convolution of dy.
export const conv2DBackpropInputConfig = acceleratedKernel(Conv2DBackpropInput, ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (!allFloat32(dy, filter)) return null;
  const info = convGeometry(inputShape, filter.shape, { strides, pad, dataFormat, dimRoundingMode });
  if (!backend.worthOffloading(convMacs(info))) return null;
  const { top, bottom, left, right } = info.padInfo;
  const attrsOnnx = {
    kernel_shape: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pads: onnxPads(info.padInfo),
    output_padding: [
      info.inHeight - ((info.outHeight - 1) * info.strideHeight + info.filterHeight - top - bottom),
      info.inWidth - ((info.outWidth - 1) * info.strideWidth + info.filterWidth - left - right),
    ],
  };
  return backend.runGraph(`${Conv2DBackpropInput}(${JSON.stringify(attrsOnnx)},${dataFormat})`, [dy, filter], (g, [dyName, wName]) => {
    const w = g.op('Transpose', [wName], { perm: HWIO_TO_OIHW });
    const dx = g.op('ConvTranspose', [inNchw(g, dyName, dataFormat), w], attrsOnnx);
    return [{ name: fromNchw(g, dx, dataFormat), dtype: 'float32' }];
  })[0];
});
