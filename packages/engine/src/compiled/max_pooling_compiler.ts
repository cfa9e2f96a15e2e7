// MaxPooling2D, 'valid' or 'same' (padding never wins a window: as TF.js), channels-first: its
// gradient goes to each window's maximum, added up where windows overlap (a scatter-add at the
// indices MaxPool gives, into the whole input flattened: MaxUnpool would keep one window's).
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import { pair } from './layer_fields';
import type { Activation, StepGraph } from './step_graph';
import { windowGeometry } from './window_geometry';

export function compileMaxPooling2D(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  if (input.shape.length !== 4) throw new CompileError('only max pooling of images is compiled', layer.name);
  const [n, c, h, w] = input.shape;
  const geometry = windowGeometry(layer.name, config, pair(config.poolSize), pair(config.strides ?? config.poolSize), [h, w]);
  const attrs = { kernel_shape: geometry.kernel, strides: geometry.strides, pads: geometry.pads };
  const [out, indices] = graph.b.node('MaxPool', [input.value], attrs, 2);
  graph.onBackward((dy) => {
    const shape = graph.op('Shape', [input.value]);
    const zeros = graph.op('ConstantOfShape', [graph.op('ReduceProd', [shape], { keepdims: 1 })]);
    const flat = (value: string) => graph.op('Reshape', [value, graph.ints([-1])]);
    return graph.op('Reshape', [graph.op('ScatterElements', [zeros, flat(indices), flat(dy)], { reduction: 'add' }), shape]);
  });
  return { output: { value: out, shape: [n, c, ...geometry.out] }, weights: [] };
}
