// ReduceMean, ReduceMax, ReduceMin, ReduceSum and ReduceL2 over any axes but the batch, with or
// without keepdims; the axes are taken where the stored (channels-last) tensor holds them.
import { identity, withoutAxes } from '../../layout';
import { Reduce, type ReduceOp } from '../../layers/reduce';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type ImportContext, unsupported } from '../context';

const OPS: Record<string, ReduceOp> = { ReduceMean: 'mean', ReduceMax: 'max', ReduceMin: 'min', ReduceSum: 'sum', ReduceL2: 'l2' };

/** ReduceSum took its axes as an input from opset 13, the others from opset 18. */
const axesAreInput = (node: OnnxNode, opset: number): boolean => opset >= (node.opType === 'ReduceSum' ? 13 : 18);

export function convertReduce(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axes', 'keepdims', 'noop_with_empty_axes']);
  const x = ctx.value(node.inputs[0]);
  const rank = ctx.semanticShape(x).length;
  const given = axesAreInput(node, ctx.opset) ? (ctx.optionalConstant(node, 1, 'axes')?.values as number[] | undefined)?.map(Number) : attr.ints(node, 'axes');
  if (!given?.length && attr.int(node, 'noop_with_empty_axes', 0)) return void ctx.values.set(node.outputs[0], x);
  const axes = (given?.length ? given : identity(rank)).map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a <= 0 || a >= rank)) unsupported(`axes [${given ?? 'all'}] include the batch or are out of range`);
  const keepDims = attr.int(node, 'keepdims', 1) === 1;
  const perm = x.flattened ? identity(2) : x.perm;
  const tensor = ctx.stored(x, perm, () => ctx.layerName(node, '_chw'));
  const layer = new Reduce({ op: OPS[node.opType], axes: axes.map((a) => perm.indexOf(a)).sort(), keepDims, name: ctx.layerName(node) });
  ctx.values.set(node.outputs[0], { tensor: ctx.apply(layer, tensor), perm: keepDims ? perm : withoutAxes(perm, axes) });
}

export const REDUCE_OPS = Object.keys(OPS);
