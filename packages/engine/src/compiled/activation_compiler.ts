// Activations: ReLU (its gradient passes where the input was positive), linear, and softmax as the
// model's last operation (the loss takes the logits before it).
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

/** The logits' marker: a softmax the loss applies (only allowed last; the compiler checks). */
export const SOFTMAX = Symbol('softmax');

/** `activation` applied to x: a weight layer's own activation or an Activation/ReLU layer's. */
export function activate(activation: string, x: Activation, graph: StepGraph, layer: string): Activation & { softmax?: typeof SOFTMAX } {
  if (activation === 'linear') return x;
  if (activation === 'softmax') return { ...x, softmax: SOFTMAX };
  if (activation !== 'relu') throw new CompileError(`activation '${activation}' is not compiled`, layer);
  const out = graph.op('Relu', [x.value]);
  graph.onBackward((g) => graph.op('Mul', [g, graph.op('Cast', [graph.op('Greater', [x.value, graph.scalar(0)])], { to: 1 })]));
  return { value: out, shape: x.shape };
}

export function compileActivation(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  if (layer.getClassName() === 'ReLU' && config.maxValue != null) throw new CompileError('ReLU with a maximum is not compiled', layer.name);
  const activation = layer.getClassName() === 'ReLU' ? 'relu' : String(config.activation);
  return { output: activate(activation, input, graph, layer.name), weights: [] };
}
