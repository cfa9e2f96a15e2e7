import { backend_util, type Conv2DAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { allFloat32, type OrtKernelArgs } from '../accelerated_kernel';
import { applyActivation, fusedExtras, type FusableActivation } from './fused_activation_impl';
import { im2col } from './im2col_impl';
import { fromNchw, HWIO_TO_OIHW, inNchw, onnxPads, toNchw, toNhwc } from './layout_impl';

/**
 * Outputs up to this many pixels per image run as im2col + one GEMM in NHWC; larger ones as ONNX
 * Conv in NCHW. Measured on CNV's layers: im2col is 1.3-4x faster at 3x3 to 12x12 outputs and 1.6x
 * slower at 28x28.
 */
export const IM2COL_MAX_OUTPUT_PIXELS = 256;

export interface ConvSpec {
  x: TensorInfo;
  filter: TensorInfo;
  strides: [number, number] | number;
  pad: Conv2DAttrs['pad'];
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  depthwise: boolean;
  bias?: TensorInfo;
  prelu?: TensorInfo;
  activation: FusableActivation;
  leakyreluAlpha: number;
}

/** TF.js's convolution geometry for a kernel's attributes (strides, pads, output size). */
export function convGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> & { dilations?: Conv2DAttrs['dilations'] },
  depthwise = false,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/** Multiply-adds of a convolution (and of each of its gradients): the offload work measure. */
export const convMacs = (info: backend_util.Conv2DInfo, groups = 1): number =>
  info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.filterHeight * info.filterWidth * (info.inChannels / groups);

/** Conv2D, FusedConv2D and DepthwiseConv2dNative: im2col + GEMM for small outputs, else ONNX Conv. */
export function convOnOrt(kernelName: string, backend: OrtKernelArgs['backend'], spec: ConvSpec): TensorInfo | null {
  const { x, filter, bias, prelu, activation, leakyreluAlpha, dataFormat, depthwise } = spec;
  if (!allFloat32(x, filter, bias, prelu)) return null;
  const info = convGeometry(x.shape, filter.shape, spec, depthwise);
  const groups = depthwise ? info.inChannels : 1;
  if (!backend.worthOffloading(convMacs(info, groups))) return null;

  // A 1-D bias rides in Conv's B input; any other bias shape, and prelu, apply in TF.js's layout.
  const biasInConv = bias !== undefined && bias.shape.length === 1 && bias.shape[0] === info.outChannels;
  const late = activation === 'prelu' || (bias !== undefined && !biasInConv);
  const useIm2col = !depthwise && info.outHeight * info.outWidth <= IM2COL_MAX_OUTPUT_PIXELS;
  const attrs = {
    kernel_shape: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pads: onnxPads(info.padInfo),
    group: groups,
  };
  const key = `${kernelName}(${JSON.stringify(attrs)},${dataFormat},${activation},${leakyreluAlpha},${bias?.shape},${prelu !== undefined})`;
  const extras = fusedExtras(bias, prelu);
  return backend.runGraph(key, [x, filter, ...extras], (g, [xName, wName, ...rest]) => {
    const biasName = bias ? rest[0] : undefined;
    const preluName = prelu ? rest[rest.length - 1] : undefined;
    const convBias = biasInConv ? [biasName!] : [];
    let y: string;
    if (useIm2col) {
      const filterRows = g.op('Reshape', [wName, g.constInt64([-1, info.outChannels])]);
      const xNhwc = dataFormat === 'NCHW' ? toNhwc(g, xName) : xName;
      y = g.op('Gemm', [im2col(g, xNhwc, info), filterRows, ...convBias]);
      if (!late) y = applyActivation(g, y, activation, leakyreluAlpha);
      y = g.op('Reshape', [y, g.constInt64([info.batchSize, info.outHeight, info.outWidth, info.outChannels])]);
      if (dataFormat === 'NCHW') y = toNchw(g, y);
    } else {
      let w = g.op('Transpose', [wName], { perm: depthwise ? [2, 3, 0, 1] : HWIO_TO_OIHW });
      if (depthwise) w = g.op('Reshape', [w, g.constInt64([info.outChannels, 1, info.filterHeight, info.filterWidth])]);
      y = g.op('Conv', [inNchw(g, xName, dataFormat), w, ...convBias], attrs);
      if (!late) y = applyActivation(g, y, activation, leakyreluAlpha);
      y = fromNchw(g, y, dataFormat);
    }
    if (bias && !biasInConv) y = g.op('Add', [y, biasName!]);
    if (late) y = applyActivation(g, y, activation, leakyreluAlpha, preluName);
    return [{ name: y, dtype: 'float32' }];
  })[0];
}
