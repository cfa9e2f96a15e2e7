// MaxPooling2D, 'valid', channels-first: its gradient goes to each window's maximum (MaxUnpool at
// the indices MaxPool gives).
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import { pair } from './layer_fields';
import type { Activation, StepGraph } from './step_graph';

export function compileMaxPooling2D(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  if (config.padding !== 'valid' || input.shape.length !== 4) throw new CompileError("only 'valid' max pooling of images is compiled", layer.name);
  const pool = pair(config.poolSize);
  const strides = pair(config.strides ?? config.poolSize);
  const [n, c, h, w] = input.shape;
  const attrs = { kernel_shape: pool, strides };
  const [out, indices] = graph.b.node('MaxPool', [input.value], attrs, 2);
  graph.onBackward((dy) => graph.op('MaxUnpool', [dy, indices, graph.op('Shape', [input.value])], attrs));
  return { output: { value: out, shape: [n, c, Math.floor((h - pool[0]) / strides[0]) + 1, Math.floor((w - pool[1]) / strides[1]) + 1] }, weights: [] };
}
