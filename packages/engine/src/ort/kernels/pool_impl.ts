import { backend_util, type MaxPoolAttrs } from '@tensorflow/tfjs-core';
import { onnxPads } from './layout_impl';

/** TF.js pooling geometry (always NHWC) and the matching ONNX pooling attributes. */
export function poolGeometry(xShape: number[], attrs: MaxPoolAttrs) {
  const info = backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const onnxAttrs = {
    kernel_shape: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pads: onnxPads(info.padInfo),
  };
  return { info, onnxAttrs, key: JSON.stringify(onnxAttrs) };
}
