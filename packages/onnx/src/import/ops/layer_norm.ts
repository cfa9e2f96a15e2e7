// LayerNormalization (opset 17): normalization over the axes from `axis` to the last, then Scale and
// B, as TF.js's LayerNormalization layer over the same axes of the stored tensor (its gamma and
// beta trainable).
import * as tfl from '@tensorflow/tfjs-layers';
import { identity, transposeFloats } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

export function convertLayerNormalization(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis', 'epsilon', 'stash_type']);
  if (node.outputs.slice(1).some((o) => o && ctx.consumers(o).length)) unsupported('the Mean or InvStdDev output is used');
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const rank = shape.length;
  const given = attr.int(node, 'axis', -1);
  const axis = given < 0 ? given + rank : given;
  if (axis <= 0 || axis >= rank) unsupported(`axis ${given} includes the batch or is out of range for rank ${rank}`);
  const perm = x.flattened ? identity(2) : x.perm;
  const tensor = ctx.stored(x, perm, () => ctx.layerName(node, '_chw'));
  const storedAxes = identity(rank).filter((i) => perm[i] >= axis);
  const normalized = shape.slice(axis) as number[];
  const size = normalized.reduce((a, b) => a * b, 1);
  // Scale and B over the normalized axes, in the stored order of those axes.
  const weight = (index: number, what: string) => {
    const c = ctx.constant(node.inputs[index], what);
    if (c.values.length !== size && c.values.length !== 1) unsupported(`${what} has shape [${c.dims}]; expected [${normalized}]`);
    const values = c.values.length === 1 ? new Float32Array(size).fill(Number(c.values[0])) : Float32Array.from(c.values, Number);
    const full = [...new Array(axis).fill(1), ...normalized];
    return { values: transposeFloats(values, full, perm), shape: storedAxes.map((i) => full[perm[i]]) };
  };
  const weights = [weight(1, 'Scale'), ...(node.inputs[2] ? [weight(2, 'B')] : [])];
  const layer = tfl.layers.layerNormalization({ axis: storedAxes, epsilon: attr.float(node, 'epsilon', 1e-5), center: weights.length === 2, name: ctx.layerName(node) });
  ctx.values.set(node.outputs[0], { tensor: ctx.applyWithWeights(layer, tensor, weights), perm });
}
