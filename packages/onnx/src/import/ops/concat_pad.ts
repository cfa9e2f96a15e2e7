// Concat along a feature axis, and constant Pad of the spatial axes.
import * as tfl from '@tensorflow/tfjs-layers';
import { ConstantPadding2D } from '../../layers/constant_padding';
import { identity, NHWC } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

export function convertConcat(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis']);
  const values = node.inputs.map((name) => ctx.value(name));
  const rank = ctx.semanticShape(values[0]).length;
  const given = attr.int(node, 'axis', 1);
  const axis = given < 0 ? given + rank : given;
  if (axis <= 0 || axis >= rank) unsupported(`axis ${given} is the batch axis or out of range`);
  // torch.cat of one tensor (DenseNet's first block) is that tensor.
  if (values.length === 1) return void ctx.values.set(node.outputs[0], values[0]);
  const perm = values[0].flattened ? identity(2) : values[0].perm;
  const inputs = values.map((v) => ctx.stored(v, perm, () => ctx.layerName(node, '_relayout')));
  const layer = tfl.layers.concatenate({ axis: perm.indexOf(axis), name: ctx.layerName(node) });
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(layer, inputs), perm });
}

export function convertPad(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['mode', 'pads', 'value', 'paddings']);
  const mode = attr.string(node, 'mode', 'constant');
  if (mode !== 'constant') unsupported(`mode ${mode} is not supported`);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const pads = ctx.opset >= 11 ? (ctx.constant(node.inputs[1], 'pads').values as number[]).map(Number) : (attr.ints(node, 'pads') ?? attr.ints(node, 'paddings'));
  const valueInput = ctx.opset >= 11 ? ctx.optionalConstant(node, 2, 'constant_value') : undefined;
  if (ctx.opset >= 18 && node.inputs[3]) unsupported('the axes input is not supported');
  const value = valueInput ? Number(valueInput.values[0]) : attr.float(node, 'value', 0);
  if (shape.length !== 4 || !pads || pads.length !== 8) unsupported(`only spatial padding of rank-4 inputs is supported (input [${shape}], pads [${pads ?? ''}])`);
  const [nb, cb, top, left, ne, ce, bottom, right] = pads!;
  if (nb || cb || ne || ce) unsupported(`pads [${pads}] pad the batch or channel axis`);
  if ([top, left, bottom, right].some((p) => p < 0)) unsupported(`negative pads [${pads}] (cropping) are not supported`);
  // A convolution pads by less than its kernel; a pad wider than the image only costs memory and time (a 259-byte model padding 28x28 by 400 trained for seconds per batch).
  const [height, width] = [shape[2], shape[3]];
  const wider = (pad: number, size: number | null) => size !== null && pad > size;
  if (wider(top, height) || wider(bottom, height) || wider(left, width) || wider(right, width)) unsupported(`pads [${pads}] are wider than the [${height}, ${width}] image they pad`);
  const input = ctx.stored(x, NHWC, () => ctx.layerName(node, '_nhwc'));
  const padding: [[number, number], [number, number]] = [[top, bottom], [left, right]];
  const name = ctx.layerName(node);
  const layer = value === 0 ? tfl.layers.zeroPadding2d({ padding, name }) : new ConstantPadding2D({ padding, value, name });
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(layer, input), perm: NHWC });
}
