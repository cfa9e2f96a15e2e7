// A quantized activation in the step's graph, by its quantizer's graph form. Its clip is a trained
// parameter when learned (its gradient PACT's), a constant otherwise, and in an inference graph.
import type * as tfl from '@tensorflow/tfjs-layers';
import { quantizerKind } from '../activation_quant/activation_quantization';
import { ACTIVATION_QUANTIZERS } from '../activation_quant/activation_quantizers';
import type { QuantizedActivation } from '../activation_quant/quantized_activation';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import { weightOf } from './layer_fields';
import type { Activation, StepGraph } from './step_graph';

export function compileQuantizedActivation(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const q = (layer as QuantizedActivation).quantization;
  const quantizer = ACTIVATION_QUANTIZERS[quantizerKind(q)];
  const variable = weightOf(layer, 'clip')!;
  const parameter = quantizer.clipped && variable.trainable && !graph.inference ? graph.parameter([]) : undefined;
  const clip = quantizer.clipped ? (parameter?.name ?? graph.b.initializer(`${layer.name}/clip`, 'float32', variable.read().dataSync() as Float32Array, [])) : undefined;
  const quantized = quantizer.write(graph, input.value, clip, q);
  graph.onBackward((g) => {
    const { input: gradient, clip: clipGradient } = quantized.backward(g);
    if (parameter) parameter.grad = clipGradient;
    return gradient;
  });
  return { output: { value: quantized.value, shape: input.shape }, weights: parameter ? [{ variable, parameter, ...sameLayout }] : [] };
}
