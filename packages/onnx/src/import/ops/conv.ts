// Conv as TF.js conv2d (group 1), depthwiseConv2d (one group per input channel) or a GroupedConv2D
// (any other group count), with kernels moved from ONNX's [out, in/group, kh, kw] to TF.js's
// [kh, kw, in/group, out] / [kh, kw, in, multiplier].
import * as tfl from '@tensorflow/tfjs-layers';
import { GroupedConv2D } from '../../layers/grouped_conv2d';
import { NHWC, transposeFloats } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';
import { windowPadding } from '../window';

export function convertConv(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  if (shape.length !== 4) unsupported(`input has rank ${shape.length}; only 2D convolutions (rank 4) are supported`);
  const [, channels, h, w] = shape as number[];
  const weight = ctx.constant(node.inputs[1], 'the weight');
  const bias = ctx.optionalConstant(node, 2, 'the bias');
  if (weight.dims.length !== 4) unsupported(`weight has shape [${weight.dims}], expected [out, in/group, kh, kw]`);
  const [filters, perGroup, kh, kw] = weight.dims;
  const group = attr.int(node, 'group', 1);
  const kernelShape = attr.ints(node, 'kernel_shape');
  if (kernelShape && (kernelShape[0] !== kh || kernelShape[1] !== kw)) unsupported(`kernel_shape [${kernelShape}] disagrees with the weight [${weight.dims}]`);
  if (perGroup * group !== channels) unsupported(`weight [${weight.dims}] with group ${group} does not fit ${channels} input channels`);
  if (bias && bias.values.length !== filters) unsupported(`bias has ${bias.values.length} values for ${filters} filters`);
  const depthwise = group > 1 && group === channels;
  if (group > 1 && filters % group !== 0) unsupported(`${filters} filters do not split into ${group} groups`);
  const { window, padding, explicit } = windowPadding(node, [h, w], [kh, kw]);
  if (window.strides.some((s) => s > 1) && window.dilations.some((d) => d > 1)) unsupported('strides and dilations both above 1 are not supported by TF.js');

  let input = ctx.stored(x, NHWC, () => ctx.layerName(node, '_nhwc'));
  if (explicit) {
    const [top, left, bottom, right] = explicit;
    input = ctx.apply(tfl.layers.zeroPadding2d({ padding: [[top, bottom], [left, right]], name: ctx.layerName(node, '_pad') }), input);
  }
  const common = { kernelSize: [kh, kw] as [number, number], strides: window.strides, dilationRate: window.dilations, padding, useBias: bias !== undefined, name: ctx.layerName(node) };
  const values = Float32Array.from(weight.values);
  const multiplier = filters / channels;
  const kernel = depthwise
    ? // [c*m, 1, kh, kw] -> [kh, kw, c, m]
      { values: transposeFloats(values, [channels, multiplier, kh, kw], [2, 3, 0, 1]), shape: [kh, kw, channels, multiplier] }
    : { values: transposeFloats(values, [filters, perGroup, kh, kw], [2, 3, 1, 0]), shape: [kh, kw, perGroup, filters] };
  // Zero initializers: the ONNX weights replace them, and drawing random ones costs more than the import.
  const layer = depthwise
    ? tfl.layers.depthwiseConv2d({ ...common, depthwiseInitializer: 'zeros', depthMultiplier: multiplier })
    : group > 1
      ? new GroupedConv2D({ ...common, filters, groups: group })
      : tfl.layers.conv2d({ ...common, kernelInitializer: 'zeros', filters });
  const weights = bias ? [kernel, { values: Float32Array.from(bias.values), shape: [filters] }] : [kernel];
  ctx.values.set(node.outputs[0], { tensor: ctx.applyWithWeights(layer, input, weights), perm: NHWC });
}
