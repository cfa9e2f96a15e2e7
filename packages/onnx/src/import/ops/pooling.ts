// MaxPool, AveragePool and the global pools. Pads TF.js cannot express become a padding layer
// first: the lowest float for MaxPool, zeros for AveragePool counting its pads.
import * as tfl from '@tensorflow/tfjs-layers';
import { ConstantPadding2D, LOWEST_FLOAT32 } from '../../layers/constant_padding';
import { NHWC } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';
import { windowPadding } from '../window';

function pool(node: OnnxNode, ctx: ImportContext, kind: 'max' | 'average'): void {
  checkAttributes(node, ['auto_pad', 'ceil_mode', 'count_include_pad', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides']);
  if (node.outputs.filter(Boolean).length > 1) unsupported('the Indices output is not supported');
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  if (shape.length !== 4) unsupported(`input has rank ${shape.length}; only 2D pooling (rank 4) is supported`);
  const kernel = attr.ints(node, 'kernel_shape');
  if (!kernel || kernel.length !== 2) unsupported(`kernel_shape [${kernel ?? ''}] is not a 2D window`);
  const countPads = kind === 'average' && attr.int(node, 'count_include_pad', 0) === 1;
  const { window, padding, explicit } = windowPadding(node, shape.slice(2) as number[], kernel as [number, number], {
    sameAllowed: !countPads,
    ceilExtra: kind === 'max',
  });
  if (window.dilations.some((d) => d !== 1)) unsupported(`dilations [${window.dilations}] are not supported for pooling`);
  if (explicit && kind === 'average' && !countPads) unsupported(`pads [${explicit}] not counted in the average are not supported`);
  let input = ctx.stored(x, NHWC, () => ctx.layerName(node, '_nhwc'));
  if (explicit) {
    const [top, left, bottom, right] = explicit;
    const value = kind === 'max' ? LOWEST_FLOAT32 : 0;
    input = ctx.apply(new ConstantPadding2D({ padding: [[top, bottom], [left, right]], value, name: ctx.layerName(node, '_pad') }), input);
  }
  const args = { poolSize: window.kernel, strides: window.strides, padding, name: ctx.layerName(node) };
  const layer = kind === 'max' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args);
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(layer, input), perm: NHWC });
}

export const convertMaxPool = (node: OnnxNode, ctx: ImportContext) => pool(node, ctx, 'max');
export const convertAveragePool = (node: OnnxNode, ctx: ImportContext) => pool(node, ctx, 'average');

/** Global pools keep ONNX's [N, C, 1, 1]: a channels-last [1, 1, C] that flattens in either order. */
function globalPool(node: OnnxNode, ctx: ImportContext, kind: 'max' | 'average'): void {
  checkAttributes(node, []);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  if (shape.length !== 4) unsupported(`input has rank ${shape.length}; only rank 4 is supported`);
  const input = ctx.stored(x, NHWC, () => ctx.layerName(node, '_nhwc'));
  const name = ctx.layerName(node);
  const pooled = ctx.apply(kind === 'max' ? tfl.layers.globalMaxPooling2d({ name }) : tfl.layers.globalAveragePooling2d({ name }), input);
  const kept = ctx.apply(tfl.layers.reshape({ targetShape: [1, 1, shape[1] as number], name: ctx.layerName(node, '_keepdims') }), pooled);
  ctx.values.set(node.outputs[0], { tensor: kept, perm: NHWC });
}

export const convertGlobalAveragePool = (node: OnnxNode, ctx: ImportContext) => globalPool(node, ctx, 'average');
export const convertGlobalMaxPool = (node: OnnxNode, ctx: ImportContext) => globalPool(node, ctx, 'max');
