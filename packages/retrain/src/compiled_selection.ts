// A target sparsity's threshold inside the compiled step: the k-th smallest |w| of a kernel,
// selected exactly every step in the graph, so that a run of several steps needs nothing from
// JavaScript between them (it was selected in JavaScript before each step, which kept runs to one
// step). The weights move little from one step to the next, so the magnitudes in a band around
// the last answer are compacted (Compress) and the answer selected among them (TopK on a few
// percent of the weights), the band narrowing while it holds the answer and widening when it does
// not; when it does not, every magnitude is searched (TopK over all of them, as at the first step:
// about 15 ms per million weights). The band and the last answer are carried from step to step
// (StepGraph.state).
import type { StepGraph } from '@sparse-ternary/engine';

/** The k-th smallest of `magnitudes` (a kernel's |w|, any shape), 1 <= k <= their count. */
export function kthSmallestMagnitude(graph: StepGraph, name: string, magnitudes: string, k: number): string {
  const last = graph.state(`${name}/selected`, Float32Array.of(Number.NaN));
  const width = graph.state(`${name}/band`, Float32Array.of(0.05));
  const one = graph.scalar(1);
  const lo = graph.op('Mul', [last.input, graph.op('Sub', [one, width.input])]);
  const hi = graph.op('Mul', [last.input, graph.op('Add', [one, width.input])]);
  const count = (mask: string) => graph.op('ReduceSum', [graph.op('Cast', [mask], { to: 1 })], { keepdims: 0 });
  const belowMask = graph.op('Less', [magnitudes, lo]);
  // Before the first step the last answer is NaN: nothing is below or inside, and every magnitude is searched.
  const insideMask = graph.op('And', [graph.op('Not', [belowMask]), graph.op('LessOrEqual', [magnitudes, hi])]);
  const [below, inside] = [count(belowMask), count(insideMask)];
  const target = graph.scalar(k);
  const found = graph.op('And', [graph.op('Less', [below, target]), graph.op('LessOrEqual', [target, graph.op('Add', [below, inside])])]);
  const candidates = graph.op('Compress', [magnitudes, graph.op('Or', [insideMask, graph.op('Not', [found])])]);
  const rank = graph.op('Cast', [graph.op('Where', [found, graph.op('Sub', [target, below]), target])], { to: 7 });
  // TopK unsorted: the rank smallest candidates; the largest of them is the one sought.
  const [smallest] = graph.b.node('TopK', [candidates, graph.op('Reshape', [rank, graph.ints([1])])], { largest: 0, sorted: 0 }, 2);
  const selected = graph.op('ReduceMax', [smallest], { keepdims: 0 });
  last.set(selected);
  width.set(graph.op('Where', [found, graph.op('Max', [graph.op('Mul', [width.input, graph.scalar(0.98)]), graph.scalar(1e-3)]), graph.op('Min', [graph.op('Mul', [width.input, graph.scalar(2)]), graph.scalar(0.5)])]));
  return selected;
}
