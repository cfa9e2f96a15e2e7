// A quantizer's rule written into a compiled training step's graph, computing what its quantize()
// does in JavaScript: alpha = mean |w| over the kept weights (0 when none) of the layer or of each
// output channel, q = alpha * sign(w) (+1 at w = 0) on them, 0 elsewhere; kept: the mask's ones, or
// |w| > Delta_l. Binary keeps every weight; float is w itself.
import type { KernelLayout, StepGraph } from '@sparse-ternary/engine';
import type { QuantizerRule } from '@sparse-ternary/quantize-prune';
import { kthSmallestMagnitude } from './compiled_selection';

/**
 * A kernel quantized in the graph, and what the regularizers read of it, each written when first
 * asked for: its threshold Delta_l as quantize() reports it (a graph scalar, or a number known
 * when compiling) and |w|.
 */
export interface CompiledQuantization {
  value: string;
  delta(): string | number;
  magnitudes(): string;
}

/** f() the first time, its value after. */
const once = <T>(f: () => T) => {
  let value: T | undefined;
  return () => (value ??= f());
};

type TernaryThreshold = Extract<QuantizerRule, { kind: 'ternary' }>['threshold'];

/** Delta_l of a ternary rule, from the weights `w` (`size` of them) and their magnitudes. */
function threshold(graph: StepGraph, rule: TernaryThreshold, w: string, magnitudes: string, size: number): string | number {
  if (rule.of === 'fixed') return rule.delta;
  if (rule.of === 'meanAbs') return graph.op('Mul', [graph.op('ReduceMean', [magnitudes], { keepdims: 0 }), graph.scalar(rule.t)]);
  // The k-th smallest |w|, k = round(s * n).
  const k = Math.round(rule.sparsity * size);
  return k === 0 ? 0 : kthSmallestMagnitude(graph, w, magnitudes, k);
}

const asScalar = (graph: StepGraph, value: string | number) => (typeof value === 'number' ? graph.scalar(value) : value);

/**
 * code times its scale: alpha = sum |w| code / sum code^2 over the layer, or over each output
 * channel (the kernel as [outer, channels, inner], summed over the outer and inner axes).
 */
function scaled(graph: StepGraph, w: string, code: string, scale: 'layer' | 'channel', { dims, channels }: KernelLayout): string {
  if (scale === 'layer') {
    const count = graph.op('ReduceSumSquare', [code], { keepdims: 0 });
    const alpha = graph.op('Div', [graph.op('ReduceSum', [graph.op('Mul', [w, code])], { keepdims: 0 }), graph.op('Max', [count, graph.scalar(1)])]);
    return graph.op('Mul', [code, alpha]);
  }
  const grouped = graph.ints([-1, channels.count, channels.inner]);
  const [w3, code3] = [graph.op('Reshape', [w, grouped]), graph.op('Reshape', [code, grouped])];
  // ReduceSum takes its axes as an input, ReduceSumSquare (before opset 18) as an attribute.
  const count = graph.op('ReduceSumSquare', [code3], { axes: [0, 2], keepdims: 1 });
  const alpha = graph.op('Div', [graph.op('ReduceSum', [graph.op('Mul', [w3, code3]), graph.ints([0, 2])], { keepdims: 1 }), graph.op('Max', [count, graph.scalar(1)])]);
  return graph.op('Reshape', [graph.op('Mul', [code3, alpha]), graph.ints(dims)]);
}

/** The quantized kernel from its float weights `w` (`size` of them), the mask when there is one, and its layout. */
export function compiledQuantizer(rule: QuantizerRule, size: number): (graph: StepGraph, w: string, mask: string | undefined, layout: KernelLayout) => CompiledQuantization {
  return (graph, w, mask, layout) => {
    const magnitudes = once(() => graph.op('Abs', [w]));
    // sign(w) as the quantizers take it (+1 at 0) times `by` (a scalar, or the mask), in two passes: [w >= 0] picks by or -by.
    const signTimes = (by: string) => graph.op('Where', [graph.op('GreaterOrEqual', [w, graph.scalar(0)]), by, graph.op('Neg', [by])]);
    // As quantize(): float reports 0; binary -1 (every weight kept), or 0 with a mask.
    if (rule.kind === 'float') return { value: w, delta: () => 0, magnitudes };
    const delta = once(() => (rule.kind === 'binary' ? (mask ? 0 : -1) : threshold(graph, rule.threshold, w, magnitudes(), size)));
    // The ternary code t = sign(w) on the kept weights, 0 elsewhere; alpha = sum |w| t / sum t^2 (|w| t = w t), of the layer or of each channel.
    const code =
      mask || rule.kind === 'binary'
        ? signTimes(mask ?? graph.scalar(1))
        : // Without a mask, Delta >= 0: t = [w > Delta] - [w < -Delta] (three passes fewer than sign(w) * [|w| > Delta]).
          graph.op('Sub', [graph.op('Cast', [graph.op('Greater', [w, asScalar(graph, delta())])], { to: 1 }), graph.op('Cast', [graph.op('Less', [w, graph.op('Neg', [asScalar(graph, delta())])])], { to: 1 })]);
    return { value: scaled(graph, w, code, rule.scale, layout), delta, magnitudes };
  };
}
