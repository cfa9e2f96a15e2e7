// BatchNormalization (inference form) as the engine's fused BatchNorm layer over the channel axis,
// which is the last axis of every stored layout the importer picks for it.
import { batchNormalization } from '@sparse-ternary/engine';
import { NHWC } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

export function convertBatchNormalization(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['epsilon', 'momentum', 'spatial', 'is_test', 'consumed_inputs', 'training_mode']);
  if (attr.int(node, 'spatial', 1) !== 1) unsupported('spatial=0 (per-pixel statistics) is not supported');
  if (attr.int(node, 'training_mode', 0) !== 0) unsupported('training_mode=1 is not supported');
  if (node.outputs.filter(Boolean).length > 1) unsupported('the running-statistics outputs are not supported');
  const x = ctx.value(node.inputs[0]);
  const rank = ctx.semanticShape(x).length;
  if (rank !== 2 && rank !== 4) unsupported(`input has rank ${rank}; BatchNormalization is supported on [N, C] and [N, C, H, W]`);
  const channels = ctx.semanticShape(x)[1] as number;
  const params = ['scale', 'bias', 'mean', 'variance'].map((what, i) => {
    const c = ctx.constant(node.inputs[i + 1], what);
    if (c.values.length !== channels) unsupported(`${what} has ${c.values.length} values for ${channels} channels`);
    return { values: Float32Array.from(c.values), shape: [channels] };
  });
  const perm = rank === 4 ? NHWC : [0, 1];
  const input = ctx.stored(x, perm, () => ctx.layerName(node, '_nhwc'));
  const layer = batchNormalization({ epsilon: attr.float(node, 'epsilon', 1e-5), momentum: attr.float(node, 'momentum', 0.9), name: ctx.layerName(node) });
  ctx.values.set(node.outputs[0], { tensor: ctx.applyWithWeights(layer, input, params), perm });
}
