// Slice (step 1) and Split on any axes but the batch, as Slice layers of the stored tensor.
import { Slice } from '../../layers/slice';
import { identity } from '../../layout';
import type { OnnxNode } from '../../read_model';
import { attr, checkAttributes, type Computed, type ImportContext, unsupported } from '../context';

/** The block [start, end) on each semantic axis of `x`, as a Slice layer of its stored tensor. */
function sliced(node: OnnxNode, ctx: ImportContext, x: Computed, ranges: Map<number, [number, number]>, suffix = ''): Computed {
  const perm = x.flattened ? identity(2) : x.perm;
  const tensor = ctx.stored(x, perm, () => ctx.layerName(node, '_chw'));
  const shape = ctx.semanticShape(x) as number[];
  const block = perm.slice(1).map((axis) => ranges.get(axis) ?? [0, shape[axis]]);
  const layer = new Slice({ begin: block.map(([start]) => start), size: block.map(([start, end]) => end - start), name: ctx.layerName(node, suffix) });
  return { tensor: ctx.apply(layer, tensor), perm };
}

/** A Slice bound clamped to [0, dim] as ONNX does (negative counts from the end; INT64 extremes mean "to the end"). */
const clamp = (value: number, dim: number): number => Math.min(Math.max(value < 0 ? value + dim : value, 0), dim);

export function convertSlice(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['starts', 'ends', 'axes']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const rank = shape.length;
  const read = (index: number, name: string) =>
    (ctx.opset >= 10 ? (ctx.optionalConstant(node, index, name)?.values as number[] | undefined) : attr.ints(node, name))?.map(Number);
  const starts = read(1, 'starts');
  const ends = read(2, 'ends');
  if (!starts || !ends || starts.length !== ends.length) return unsupported('starts and ends are missing or differ in length');
  const axes = (read(3, 'axes') ?? identity(starts.length)).map((a) => (a < 0 ? a + rank : a));
  const steps = ctx.opset >= 10 ? read(4, 'steps') : undefined;
  if (steps?.some((s) => s !== 1)) unsupported(`steps [${steps}] are not supported (only 1)`);
  const ranges = new Map<number, [number, number]>();
  axes.forEach((axis, i) => {
    const dim = shape[axis];
    if (axis === 0) {
      if (clamp(starts[i], Number.MAX_SAFE_INTEGER) !== 0 || ends[i] < 2 ** 31 - 1) unsupported('it slices the batch axis');
      return;
    }
    if (axis < 0 || axis >= rank || dim === null) unsupported(`axis ${axes[i]} is out of range or of unknown size`);
    const [start, end] = [clamp(starts[i], dim!), clamp(ends[i], dim!)];
    if (end <= start) unsupported(`the slice [${starts[i]}, ${ends[i]}) of axis ${axis} is empty`);
    ranges.set(axis, [start, end]);
  });
  ctx.values.set(node.outputs[0], sliced(node, ctx, x, ranges));
}

export function convertSplit(node: OnnxNode, ctx: ImportContext): void {
  checkAttributes(node, ['axis', 'split', 'num_outputs']);
  const x = ctx.value(node.inputs[0]);
  const shape = ctx.semanticShape(x);
  const given = attr.int(node, 'axis', 0);
  const axis = given < 0 ? given + shape.length : given;
  const dim = shape[axis];
  if (axis <= 0 || axis >= shape.length || dim === null) unsupported(`axis ${given} is the batch, out of range or of unknown size`);
  const outputs = node.outputs.length;
  const sizes = (ctx.opset >= 13 ? (ctx.optionalConstant(node, 1, 'split')?.values as number[] | undefined) : attr.ints(node, 'split'))?.map(Number) ??
    Array.from({ length: outputs }, (_, i) => Math.ceil(dim! / outputs) - (i === outputs - 1 ? Math.ceil(dim! / outputs) * outputs - dim! : 0));
  if (sizes.length !== outputs || sizes.reduce((a, b) => a + b, 0) !== dim) unsupported(`split [${sizes}] does not cover the ${dim} elements of axis ${axis} in ${outputs} parts`);
  let start = 0;
  node.outputs.forEach((name, i) => {
    const range: [number, number] = [start, start + sizes[i]];
    start += sizes[i];
    if (name) ctx.values.set(name, sliced(node, ctx, x, new Map([[axis, range]]), `_${i}`));
  });
}
