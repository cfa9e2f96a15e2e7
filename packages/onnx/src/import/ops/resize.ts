// Resize (opset 10+) and Upsample (opsets 7-9) of [N, C, H, W] by constant scales or sizes, in the
// forms TF.js's resize ops compute exactly: linear with half_pixel (also pytorch_half_pixel),
// align_corners or asymmetric coordinates, and nearest with asymmetric coordinates rounding down
// (torch's nn.Upsample). Other forms are refused by name.
import { NHWC } from '../../layout';
import { Resize, type ResizeArgs } from '../../layers/resize';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

/** The output [height, width] from the node's sizes or scales input (or Upsample-7's attribute). */
function outputSize(node: OnnxNode, ctx: ImportContext, height: number, width: number): [number, number] {
  const resize = node.opType === 'Resize';
  const sizes = resize && ctx.opset >= 11 ? ctx.optionalConstant(node, 3, 'sizes') : undefined;
  if (sizes && sizes.values.length) {
    const [n, c, h, w] = Array.from(sizes.values, Number);
    if (sizes.values.length !== 4 || n === undefined || c === undefined) unsupported(`sizes [${sizes.dims}] is not [N, C, H, W]`);
    return [h, w];
  }
  const scalesIndex = resize ? (ctx.opset >= 11 ? 2 : 1) : 1;
  const given = node.opType === 'Upsample' && ctx.opset < 9 ? (node.attributes.get('scales') as number[] | undefined) : ctx.optionalConstant(node, scalesIndex, 'scales')?.values;
  const scales = Array.from(given ?? [], Number);
  if (scales.length !== 4) unsupported(`needs 4 scales or sizes of [N, C, H, W], got [${scales}]`);
  if (scales[0] !== 1 || scales[1] !== 1) unsupported(`scales [${scales}] resize the batch or the channels`);
  return [Math.floor(height * scales[2]), Math.floor(width * scales[3])];
}

export function convertResize(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['mode', 'coordinate_transformation_mode', 'nearest_mode', 'scales', 'cubic_coeff_alpha', 'exclude_outside', 'extrapolation_value', 'antialias', 'keep_aspect_ratio_policy', 'axes']);
  if (attr.int(node, 'antialias', 0)) unsupported('antialias is not supported');
  if (node.attributes.has('axes')) unsupported('axes is not supported');
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  if (shape.length !== 4 || x.flattened) unsupported(`input of rank ${shape.length}; only [N, C, H, W] is resized`);
  const [height, width] = [shape[2], shape[3]];
  if (height === null || width === null) return unsupported('the input height and width are not known at import');
  const mode = attr.string(node, 'mode', 'nearest');
  // Upsample and Resize-10 know only the asymmetric transformation.
  const transformation = node.opType === 'Resize' && ctx.opset >= 11 ? attr.string(node, 'coordinate_transformation_mode', 'half_pixel') : 'asymmetric';
  const nearestMode = node.opType === 'Resize' && ctx.opset >= 11 ? attr.string(node, 'nearest_mode', 'round_prefer_floor') : 'floor';
  let args: Pick<ResizeArgs, 'method' | 'coordinates'>;
  if (mode === 'linear' || mode === 'bilinear') {
    const coordinates = ({ half_pixel: 'half_pixel', pytorch_half_pixel: 'half_pixel', align_corners: 'align_corners', asymmetric: 'asymmetric' } as const)[transformation as 'half_pixel'];
    if (!coordinates) unsupported(`linear resizing with coordinate_transformation_mode '${transformation}' is not supported`);
    args = { method: 'bilinear', coordinates };
  } else if (mode === 'nearest') {
    if (transformation !== 'asymmetric' || nearestMode !== 'floor') {
      unsupported(`nearest resizing with ${transformation} coordinates and nearest_mode ${nearestMode} is not supported (asymmetric with floor is, as torch exports nn.Upsample)`);
    }
    args = { method: 'nearest', coordinates: 'asymmetric' };
  } else {
    unsupported(`mode '${mode}' is not supported (nearest, linear)`);
  }
  const size = outputSize(node, ctx, height, width);
  if (size.some((d) => !(d >= 1))) unsupported(`output size [${size}] is empty`);
  if (size[0] * size[1] > 16384 * 16384) unsupported(`output size [${size}] is too large`);
  const tensor = ctx.stored(x, NHWC, () => ctx.layerName(node, '_nhwc'));
  const layer = new Resize({ size, ...args!, name: ctx.layerName(node) });
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(layer, tensor), perm: NHWC });
}
