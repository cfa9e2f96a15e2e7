// GlobalAveragePooling2D: each channel's mean over the image; the gradient spreads evenly over it.
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

export function compileGlobalAveragePooling2D(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  if (input.shape.length !== 4 || layer.getConfig().keepDims) throw new CompileError('only global average pooling of images to vectors is compiled', layer.name);
  const [n, c, h, w] = input.shape;
  const out = graph.op('ReduceMean', [input.value], { axes: [2, 3], keepdims: 0 });
  graph.onBackward((dy) => graph.op('Expand', [graph.op('Reshape', [graph.op('Mul', [dy, graph.scalar(1 / (h * w))]), graph.ints([-1, c, 1, 1])]), graph.op('Shape', [input.value])]));
  return { output: { value: out, shape: [n, c] }, weights: [] };
}
