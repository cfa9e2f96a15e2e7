// A model's forward pass written into a step's graph, layer by layer through LAYER_COMPILERS: the
// one walk over the layers that the training step and the inference graph share.
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import { SOFTMAX } from './activation_compiler';
import { LAYER_COMPILERS, type StateUpdate, type WeightBinding } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

export interface ModelForward {
  /** One sample's shape as the model takes it (channels-last). */
  sample: number[];
  /** The model's output: logits, marked when a softmax follows them. */
  output: Activation & { softmax?: typeof SOFTMAX };
  /** Every weight the layers read, as the graph holds it. */
  weights: WeightBinding[];
  /** The non-trainable state a training step updates (BatchNorm's moving statistics). */
  states: StateUpdate[];
}

/** The model's layers in order (TF.js keeps them sorted: each after the layers it reads), each called once. */
function layersOf(model: tfl.LayersModel): tfl.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new CompileError('only models with one input and one output are compiled');
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const shared = layers.find((l) => l.inboundNodes.length !== 1 || l.inboundNodes[0].outputTensors.length !== 1);
  if (shared) throw new CompileError('layers called more than once, or with several outputs, are not compiled', shared.name);
  return layers;
}

/** Writes the forward pass from the graph input 'x' ([N, ...sample], channels-last; channels-first inside). */
export function writeForward(model: tfl.LayersModel, graph: StepGraph): ModelForward {
  const sample = model.inputs[0].shape.slice(1) as number[];
  const x = graph.b.input('x', 'float32', ['N', ...sample]);
  // Images channels-first inside; -1: the batch, any size.
  const input: Activation = sample.length === 3 ? { value: graph.op('Transpose', [x], { perm: [0, 3, 1, 2] }), shape: [-1, sample[2], sample[0], sample[1]] } : { value: x, shape: [-1, ...sample] };
  graph.constant(input.value);
  // Each symbolic tensor of the model (by id) as the graph computes it.
  const activations = new Map<number, Activation & { softmax?: typeof SOFTMAX }>([[model.inputs[0].id, input]]);
  const weights: WeightBinding[] = [];
  const states: StateUpdate[] = [];
  for (const layer of layersOf(model)) {
    const node = layer.inboundNodes[0];
    const inputs = node.inputTensors.map((t) => activations.get(t.id)!);
    if (inputs.some((i) => i.softmax)) throw new CompileError('softmax before the last layer', layer.name);
    const compile = LAYER_COMPILERS[layer.getClassName()];
    if (!compile) throw new CompileError(`${layer.getClassName()} layers are not compiled`, layer.name);
    const compiled = graph.layer(inputs, () => compile(layer, inputs, graph));
    activations.set(node.outputTensors[0].id, compiled.output);
    weights.push(...compiled.weights);
    states.push(...(compiled.updates ?? []));
  }
  return { sample, output: activations.get(model.outputs[0].id)!, weights, states };
}
