// DepthwiseConv2D (one filter per channel: depth multiplier 1), any stride, 'valid' or 'same':
// ONNX's Conv with one group per channel. The filter gradient is, per kernel position, the batch
// and spatial sum of the output gradient times what that position reads (a strided Slice of the
// padded input); the input gradient a grouped ConvTranspose.
import type * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './activation_compiler';
import { CompileError } from '../errors';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';
import { pair, weightOf } from './layer_fields';
import { padded, windowGeometry, windowSlices } from './window_geometry';
import { kernelLayouts } from './conv2d_compiler';

export function compileDepthwiseConv2D(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  const [n, c, h, w] = input.shape;
  const kernel = weightOf(layer, 'depthwise_kernel')!;
  const bias = weightOf(layer, 'bias');
  const [kh, kw, , multiplier] = kernel.shape as number[];
  if (multiplier !== 1) throw new CompileError(`depth multiplier ${multiplier} is not compiled (1 is)`, layer.name);
  const geometry = windowGeometry(layer.name, config, [kh, kw], pair(config.strides ?? 1), [h, w]);
  const wt = graph.parameter([c, 1, kh, kw]);
  // [kh, kw, c, 1] as a convolution's kernel of one output channel: ONNX's [1, c, kh, kw] is [c, 1, kh, kw] in memory.
  const layouts = kernelLayouts(kh, kw, c, 1);
  const kernelValue = graph.kernel(layer, wt, layouts.toGraph, { count: c, inner: kh * kw });
  const b = bias && graph.parameter([c]);
  const attrs = { kernel_shape: [kh, kw], pads: geometry.pads, strides: geometry.strides, group: c };
  const y = graph.op('Conv', [input.value, kernelValue, ...(b ? [b.name] : [])], attrs);
  graph.onBackward((dy) => {
    const perPosition = windowSlices(graph, padded(graph, input.value, geometry), geometry, [2, 3]).map((read) => graph.op('ReduceSum', [graph.op('Mul', [read, dy]), graph.ints([0, 2, 3])], { keepdims: 1 }));
    // Each [1, c, 1, 1]: side by side on the last axis, then [c, 1, kh, kw].
    wt.grad = graph.op('Reshape', [perPosition.length > 1 ? graph.op('Concat', perPosition, { axis: 3 }) : perPosition[0], graph.ints([c, 1, kh, kw])]);
    if (b) b.grad = graph.op('ReduceSum', [dy, graph.ints([0, 2, 3])], { keepdims: 0 });
    return graph.needsGradient(input.value) ? graph.op('ConvTranspose', [dy, kernelValue], { ...attrs, output_padding: geometry.outputPadding }) : undefined;
  });
  const output = activate(String(config.activation ?? 'linear'), { value: y, shape: [n, c, ...geometry.out] }, graph, layer.name);
  return { output, weights: [{ variable: kernel, parameter: wt, ...layouts }, ...(b ? [{ variable: bias!, parameter: b, ...sameLayout }] : [])] };
}
