// A quantizer's rule written into a compiled training step's graph, computing what its quantize()
// does in JavaScript: alpha = mean |w| over the kept weights (0 when none), q = alpha * sign(w)
// (+1 at w = 0) on them, 0 elsewhere; kept: the mask's ones, or |w| > Delta_l. Binary keeps every
// weight; float is w itself.
import type { StepGraph } from '@sparse-ternary/engine';
import type { QuantizerRule } from '@sparse-ternary/quantize-prune';

/** Delta_l of a ternary rule, from |w| (`size` weights). */
function threshold(graph: StepGraph, rule: Extract<QuantizerRule, { kind: 'ternary' }>['threshold'], magnitudes: string, size: number): string {
  if (rule.of === 'fixed') return graph.scalar(rule.delta);
  if (rule.of === 'meanAbs') return graph.op('Mul', [graph.op('ReduceMean', [magnitudes], { keepdims: 0 }), graph.scalar(rule.t)]);
  // The k-th smallest |w|, k = round(s * n): TopK from whichever end is nearer.
  const k = Math.round(rule.sparsity * size);
  if (k === 0) return graph.scalar(0);
  const flat = graph.op('Reshape', [magnitudes, graph.ints([-1])]);
  const smallest = k <= size / 2;
  const [values] = graph.b.node('TopK', [flat, graph.ints([smallest ? k : size - k + 1])], { largest: smallest ? 0 : 1, sorted: 0 }, 2);
  return graph.op(smallest ? 'ReduceMax' : 'ReduceMin', [values], { keepdims: 0 });
}

/** The quantized kernel's value from its float weights `w` ([dims]) and the mask, when there is one. */
export function compiledQuantizer(rule: QuantizerRule, size: number): ((graph: StepGraph, w: string, mask: string | undefined) => string) | undefined {
  if (rule.kind === 'float') return undefined;
  return (graph, w, mask) => {
    const magnitudes = graph.op('Abs', [w]);
    const kept = mask ?? (rule.kind === 'binary' ? graph.op('Cast', [graph.op('GreaterOrEqual', [magnitudes, graph.scalar(0)])], { to: 1 }) : graph.op('Cast', [graph.op('Greater', [magnitudes, threshold(graph, rule.threshold, magnitudes, size)])], { to: 1 }));
    const count = graph.op('ReduceSum', [kept], { keepdims: 0 });
    const alpha = graph.op('Div', [graph.op('ReduceSum', [graph.op('Mul', [magnitudes, kept])], { keepdims: 0 }), graph.op('Max', [count, graph.scalar(1)])]);
    const sign = graph.op('Sub', [graph.op('Mul', [graph.op('Cast', [graph.op('GreaterOrEqual', [w, graph.scalar(0)])], { to: 1 }), graph.scalar(2)]), graph.scalar(1)]);
    return graph.op('Mul', [graph.op('Mul', [sign, kept]), alpha]);
  };
}
