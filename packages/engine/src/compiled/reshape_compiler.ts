// Flatten and Reshape. TF.js reshapes channels-last, so an image activation (channels-first here)
// goes back to [N, H, W, C] first, and an image result comes back to channels-first after: the
// layers after it (a dense layer's weight order) see what they see in TF.js.
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

const TO_CHANNELS_LAST = [0, 2, 3, 1];
const TO_CHANNELS_FIRST = [0, 3, 1, 2];

/** The sample shape a layer reshapes to (channels-last, as TF.js has it), from the sample's size. */
function targetOf(layer: tfl.layers.Layer, size: number): number[] {
  if (layer.getClassName() === 'Flatten') return [size];
  const target = layer.getConfig().targetShape as number[];
  if (target.reduce((a, b) => a * b, 1) !== size) throw new CompileError(`reshaping ${size} values to [${target}] is not compiled`, layer.name);
  return target;
}

export function compileReshape(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const [n, ...rest] = input.shape;
  const target = targetOf(layer, rest.reduce((a, b) => a * b, 1));
  // Channels-first sample shapes to TF.js's channels-last and back.
  const lastOf = (shape: number[]) => (shape.length === 3 ? [shape[1], shape[2], shape[0]] : shape);
  const firstOf = (shape: number[]) => (shape.length === 3 ? [shape[2], shape[0], shape[1]] : shape);
  const reshape = (value: string, from: number[], to: number[]) => {
    const last = from.length === 3 ? graph.op('Transpose', [value], { perm: TO_CHANNELS_LAST }) : value;
    const shaped = graph.op('Reshape', [last, graph.ints([-1, ...to])]);
    return to.length === 3 ? graph.op('Transpose', [shaped], { perm: TO_CHANNELS_FIRST }) : shaped;
  };
  const out = reshape(input.value, rest, target);
  graph.onBackward((dy) => reshape(dy, firstOf(target), lastOf(rest)));
  return { output: { value: out, shape: [n, ...firstOf(target)] }, weights: [] };
}
