// Activations: ReLU (its gradient passes where the input was positive), ReLU with a maximum (ReLU6:
// and not above it, as TF.js's clip passes its bounds), tanh and sigmoid (gradients from their
// outputs: 1 - y^2 and y (1 - y)), linear, and softmax as the model's last operation (the loss
// takes the logits before it).
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
  if (activation === 'relu') return relu(x, graph);
  const smooth = SMOOTH[activation];
  if (!smooth) throw new CompileError(`activation '${activation}' is not compiled`, layer);
  const y = graph.op(smooth.op, [x.value]);
  graph.onBackward((g) => graph.op('Mul', [g, smooth.slope(graph, y)]));
  return { value: y, shape: x.shape };
}

/** Activations whose slope is a function of their output y. */
const SMOOTH: Record<string, { op: string; slope: (graph: StepGraph, y: string) => string }> = {
  tanh: { op: 'Tanh', slope: (graph, y) => graph.op('Sub', [graph.scalar(1), graph.op('Mul', [y, y])]) },
  sigmoid: { op: 'Sigmoid', slope: (graph, y) => graph.op('Mul', [y, graph.op('Sub', [graph.scalar(1), y])]) },
};

/** max(x, 0), clipped at `maximum` when given. */
function relu(x: Activation, graph: StepGraph, maximum?: number): Activation {
  const mask = (compare: string, bound: number) => graph.op('Cast', [graph.op(compare, [x.value, graph.scalar(bound)])], { to: 1 });
  const out = maximum === undefined ? graph.op('Relu', [x.value]) : graph.op('Clip', [x.value, graph.scalar(0), graph.scalar(maximum)]);
  graph.onBackward((g) => graph.op('Mul', [g, maximum === undefined ? mask('Greater', 0) : graph.op('Mul', [mask('Greater', 0), mask('LessOrEqual', maximum)])]));
  return { value: out, shape: x.shape };
}

export function compileActivation(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  if (layer.getClassName() === 'ReLU' && config.maxValue != null) return { output: relu(input, graph, config.maxValue as number), weights: [] };
  const activation = layer.getClassName() === 'ReLU' ? 'relu' : String(config.activation);
  return { output: activate(activation, input, graph, layer.name), weights: [] };
}
