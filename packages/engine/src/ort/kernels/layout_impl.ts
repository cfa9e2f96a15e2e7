// TF.js keeps images NHWC; ONNX's Conv and pooling ops take NCHW. The graphs transpose on the way
// in and out, inside onnxruntime, where a transpose costs a few milliseconds on a CNV activation.
import type { GraphBuilder } from '../onnx_graph';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];
/** TF.js conv filters are [KH, KW, CI, CO]; ONNX's are [CO, CI, KH, KW]. */
export const HWIO_TO_OIHW = [3, 2, 0, 1];

export const toNchw = (g: GraphBuilder, x: string): string => g.op('Transpose', [x], { perm: NHWC_TO_NCHW });
export const toNhwc = (g: GraphBuilder, x: string): string => g.op('Transpose', [x], { perm: NCHW_TO_NHWC });

/** Converts to NCHW when the tensor is NHWC; NCHW tensors pass straight through. */
export const inNchw = (g: GraphBuilder, x: string, dataFormat: string): string =>
  dataFormat === 'NCHW' ? x : toNchw(g, x);
export const fromNchw = (g: GraphBuilder, y: string, dataFormat: string): string =>
  dataFormat === 'NCHW' ? y : toNhwc(g, y);

/** ONNX `pads` ([top, left, bottom, right]) from TF.js's computed padding. */
export function onnxPads(pad: { top: number; left: number; bottom: number; right: number }): number[] {
  return [pad.top, pad.left, pad.bottom, pad.right];
}
