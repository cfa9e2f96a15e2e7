// Flatten: TF.js flattens channels-last, so the channels-first activation goes back to [N, H, W, C]
// first (the dense layer after it keeps TF.js's weight order).
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

export function compileFlatten(_layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const [n, ...rest] = input.shape;
  const size = rest.reduce((a, b) => a * b, 1);
  const channelsLast = rest.length === 3 ? graph.op('Transpose', [input.value], { perm: [0, 2, 3, 1] }) : input.value;
  const out = graph.op('Reshape', [channelsLast, graph.ints([-1, size])]);
  graph.onBackward((dy) => {
    if (rest.length !== 3) return graph.op('Reshape', [dy, graph.ints([-1, ...rest])]);
    const [c, h, w] = rest;
    return graph.op('Transpose', [graph.op('Reshape', [dy, graph.ints([-1, h, w, c])])], { perm: [0, 3, 1, 2] });
  });
  return { output: { value: out, shape: [n, size] }, weights: [] };
}
