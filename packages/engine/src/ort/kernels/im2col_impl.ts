import type { backend_util } from '@tensorflow/tfjs-core';
import type { GraphBuilder } from '../onnx_graph';

/**
 * Unfolds an NHWC input into the [N*OH*OW, KH*KW*CI] patch matrix of a convolution (taps in
 * kh, kw, ci order, matching TF.js's [KH, KW, CI, CO] filters), so that the convolution, or its
 * filter gradient, is one GEMM with no layout transposes.
 */
export function im2col(g: GraphBuilder, x: string, info: backend_util.Conv2DInfo): string {
  const { top, bottom, left, right } = info.padInfo;
  const padded = top || bottom || left || right ? g.op('Pad', [x, g.constInt64([0, top, left, 0, 0, bottom, right, 0])]) : x;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, outHeight, outWidth } = info;
  const taps: string[] = [];
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const h0 = kh * dilationHeight;
      const w0 = kw * dilationWidth;
      taps.push(
        g.op('Slice', [
          padded,
          g.constInt64([h0, w0]),
          g.constInt64([h0 + (outHeight - 1) * strideHeight + 1, w0 + (outWidth - 1) * strideWidth + 1]),
          g.constInt64([1, 2]),
          g.constInt64([strideHeight, strideWidth]),
        ]),
      );
    }
  }
  const patches = taps.length === 1 ? taps[0] : g.op('Concat', taps, { axis: 3 });
  return g.op('Reshape', [patches, g.constInt64([info.batchSize * outHeight * outWidth, filterHeight * filterWidth * info.inChannels])]);
}
