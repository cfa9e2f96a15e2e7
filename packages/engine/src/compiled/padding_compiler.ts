// Padding layers (ZeroPadding2D, and @sparse-ternary/onnx's constant padding before a max pooling,
// whose `value` is the lowest float): Pad forward, the gradient cropped back.
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

export function compilePadding(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  if (input.shape.length !== 4 || (config.dataFormat ?? 'channelsLast') !== 'channelsLast') throw new CompileError('only padding of channels-last images is compiled', layer.name);
  const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
  const [n, c, h, w] = input.shape;
  const value = graph.scalar((config.value as number | undefined) ?? 0);
  const out = graph.op('Pad', [input.value, graph.ints([0, 0, top, left, 0, 0, bottom, right]), value]);
  graph.onBackward((dy) => graph.op('Slice', [dy, graph.ints([top, left]), graph.ints([top + h, left + w]), graph.ints([2, 3])]));
  return { output: { value: out, shape: [n, c, h + top + bottom, w + left + right] }, weights: [] };
}
