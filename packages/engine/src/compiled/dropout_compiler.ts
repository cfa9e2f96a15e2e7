// Dropout as it trains: each value kept with probability 1 - rate and scaled by 1 / (1 - rate), as
// TF.js's dropout layer does in training, the gradient passed through the same kept values. The
// draws are onnxruntime's (RandomUniformLike, new every step; seeded by the step's seed), not
// TF.js's: the same in distribution, not value for value. In an inference graph it passes its input on.
import type * as tfl from '@tensorflow/tfjs-layers';
import { CompileError } from '../errors';
import type { CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';

export function compileDropout(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  if (config.noiseShape != null) throw new CompileError('dropout with a noise shape is not compiled', layer.name);
  const rate = Number(config.rate);
  if (rate === 0 || graph.inference) return { output: input, weights: [] };
  const kept = graph.op('Cast', [graph.op('GreaterOrEqual', [graph.op('RandomUniformLike', [input.value], graph.randomSeed()), graph.scalar(rate)])], { to: 1 });
  const scale = graph.op('Mul', [kept, graph.scalar(1 / (1 - rate))]);
  graph.onBackward((g) => graph.op('Mul', [g, scale]));
  return { output: { value: graph.op('Mul', [input.value, scale]), shape: input.shape }, weights: [] };
}
