// Add (a residual connection): the sum of same-shaped inputs; each input's gradient is the sum's.
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

export function compileAdd(layer: tfl.layers.Layer, inputs: Activation[], graph: StepGraph): CompiledLayer {
  if (inputs.some((i) => i.shape.join() !== inputs[0].shape.join())) throw new CompileError(`adding [${inputs.map((i) => `[${i.shape}]`)}] (broadcasting) is not compiled`, layer.name);
  graph.onBackwardToEach((dy) => inputs.map(() => dy));
  return { output: { value: graph.op('Sum', inputs.map((i) => i.value)), shape: inputs[0].shape }, weights: [] };
}
