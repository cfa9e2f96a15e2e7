import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32 } from '../accelerated_kernel';
import { onnxPads } from './layout_impl';

/**
 * dW as one plain convolution: x with batch and channels swapped ([CI, N, H, W]) convolved with dy
 * as the kernel ([CO, N, OH, OW]), dilated by the forward strides and padded as the forward pass,
 * gives [CI, CO, KH', KW']; its top-left KH x KW, transposed to [KH, KW, CI, CO], is dW.
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
  const attrsOnnx = { dilations: [info.strideHeight, info.strideWidth], pads: onnxPads(info.padInfo) };
  const channelsFirst = dataFormat === 'NCHW' ? [1, 0, 2, 3] : [3, 0, 1, 2];
  const key = `${Conv2DBackpropFilter}(${JSON.stringify(attrsOnnx)},${dataFormat},${filterShape})`;
  return backend.runGraph(key, [x, dy], (g, [xName, dyName]) => {
    const xT = g.op('Transpose', [xName], { perm: channelsFirst });
    const dyT = g.op('Transpose', [dyName], { perm: channelsFirst });
    const full = g.op('Conv', [xT, dyT], attrsOnnx);
    const cropped = g.op('Slice', [
      full,
      g.constInt64([0, 0]),
      g.constInt64([info.filterHeight, info.filterWidth]),
      g.constInt64([2, 3]),
    ]);
    return [{ name: g.op('Transpose', [cropped], { perm: [2, 3, 0, 1] }), dtype: 'float32' }];
  })[0];
});
