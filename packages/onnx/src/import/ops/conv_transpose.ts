// ConvTranspose (group 1, no dilation) as TF.js's conv2dTranspose with 'valid' padding, its
// kernel moved from ONNX's [in, out, kh, kw] to TF.js's [kh, kw, out, in], then a Cropping2D that
// removes ONNX's pads (less the output_padding at the end).
import * as tfl from '@tensorflow/tfjs-layers';
import { NHWC, transposeFloats } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

export function convertConvTranspose(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  if (shape.length !== 4) unsupported(`input has rank ${shape.length}; only 2D transposed convolutions (rank 4) are supported`);
  const channels = shape[1] as number;
  const weight = ctx.constant(node.inputs[1], 'the weight');
  const bias = ctx.optionalConstant(node, 2, 'the bias');
  if (weight.dims.length !== 4 || weight.dims[0] !== channels) unsupported(`weight has shape [${weight.dims}], expected [${channels}, out, kh, kw]`);
  const [, filters, kh, kw] = weight.dims;
  if (attr.int(node, 'group', 1) !== 1) unsupported('group > 1 is not supported');
  if ((attr.ints(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) unsupported('dilations are not supported');
  if (node.attributes.has('output_shape')) unsupported('output_shape is not supported; give pads');
  if (!['NOTSET', 'VALID'].includes(attr.string(node, 'auto_pad', 'NOTSET'))) unsupported(`auto_pad ${attr.string(node, 'auto_pad', '')} is not supported; give pads`);
  if (bias && bias.values.length !== filters) unsupported(`bias has ${bias.values.length} values for ${filters} filters`);
  const strides = (attr.ints(node, 'strides') ?? [1, 1]) as [number, number];
  const [top, left, bottom, right] = attr.ints(node, 'pads') ?? [0, 0, 0, 0];
  const [extraH, extraW] = attr.ints(node, 'output_padding') ?? [0, 0];
  // The extra rows and columns of output_padding come from the full ('valid') output, which ends
  // `bottom` / `right` past ONNX's: at most that much can be given back.
  if (extraH > bottom || extraW > right) unsupported(`output_padding [${extraH}, ${extraW}] beyond the end pads [${bottom}, ${right}] is not supported`);

  const input = ctx.stored(x, NHWC, () => ctx.layerName(node, '_nhwc'));
  const layer = tfl.layers.conv2dTranspose({ filters, kernelSize: [kh, kw], strides, padding: 'valid', useBias: bias !== undefined, kernelInitializer: 'zeros', name: ctx.layerName(node) });
  const kernel = { values: transposeFloats(Float32Array.from(weight.values), [channels, filters, kh, kw], [2, 3, 1, 0]), shape: [kh, kw, filters, channels] };
  const weights = bias ? [kernel, { values: Float32Array.from(bias.values), shape: [filters] }] : [kernel];
  let out = ctx.applyWithWeights(layer, input, weights);
  const cropping: [[number, number], [number, number]] = [[top, bottom - extraH], [left, right - extraW]];
  if (cropping.flat().some((c) => c > 0)) out = ctx.apply(tfl.layers.cropping2D({ cropping, name: ctx.layerName(node, '_crop') }), out);
  ctx.values.set(node.outputs[0], { tensor: out, perm: NHWC });
}
