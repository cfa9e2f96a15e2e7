// Conv2D, any stride, 'valid' or 'same' (TF.js's padding), channels-first; with `groups` (the
// grouped convolution @sparse-ternary/onnx imports for ResNeXt or RegNet), ONNX's Conv with a group.
// The input gradient is a Conv by the turned kernel at stride 1, else a ConvTranspose (of the same
// group); the filter gradient, per kernel position, a GEMM of the output gradient [cout, N * P] by
// what the position reads of the padded input [N * P, cin], taken channels-last by a strided Slice
// (as a Conv over the batch axis it measured 3-4x slower); with groups, a batch of one GEMM per group.
import type * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './activation_compiler';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';
import { pair, weightOf } from './layer_fields';
import { padded, windowGeometry, windowSlices } from './window_geometry';
import { compileConv2DPatches, SMALL_PLANE } from './conv2d_patches';

/** TF.js's [kh, kw, cin, cout] kernel as ONNX's [cout, cin, kh, kw], and back. */
export function kernelLayouts(kh: number, kw: number, cin: number, cout: number) {
  const tf = (y: number, x: number, i: number, o: number) => ((y * kw + x) * cin + i) * cout + o;
  const onnx = (y: number, x: number, i: number, o: number) => ((o * cin + i) * kh + y) * kw + x;
  const convert = (from: typeof tf, to: typeof tf) => (values: Float32Array) => {
    const out = new Float32Array(values.length);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) out[to(y, x, i, o)] = values[from(y, x, i, o)];
    return out;
  };
  return { toGraph: convert(tf, onnx), fromGraph: convert(onnx, tf) };
}

export function compileConv2D(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  const config = layer.getConfig();
  const [n, cin, h, w] = input.shape; // n: -1, any batch
  const kernel = weightOf(layer, 'kernel')!;
  const bias = weightOf(layer, 'bias');
  const [kh, kw, perGroup, cout] = kernel.shape as number[];
  const groups = cin / perGroup;
  const geometry = windowGeometry(layer.name, config, [kh, kw], pair(config.strides ?? 1), [h, w]);
  const { pads, strides, out: [oh, ow] } = geometry;
  if (groups === 1 && strides.every((s) => s === 1) && oh * ow <= SMALL_PLANE) return compileConv2DPatches(layer, input, graph, geometry);
  const wt = graph.parameter([cout, perGroup, kh, kw]);
  const layouts = kernelLayouts(kh, kw, perGroup, cout);
  const kernelValue = graph.kernel(layer, wt, layouts.toGraph, { count: cout, inner: perGroup * kh * kw });
  const b = bias && graph.parameter([cout]);
  const attrs = { kernel_shape: [kh, kw], pads, strides, ...(groups > 1 ? { group: groups } : {}) };
  const y = graph.op('Conv', [input.value, kernelValue, ...(b ? [b.name] : [])], attrs);
  graph.onBackward((dy) => {
    // Per kernel position, dW[:, :, ky, kx] = dy as [cout, N * P] times what the position reads as [N * P, cin]; by group, [groups, cout / groups, N * P] times [groups, N * P, cin / groups].
    const dyRows = graph.op('Reshape', [graph.op('Transpose', [dy], { perm: [1, 0, 2, 3] }), graph.ints(groups > 1 ? [groups, cout / groups, -1] : [cout, -1])]);
    const patchRows = (read: string) => (groups > 1 ? graph.op('Transpose', [graph.op('Reshape', [read, graph.ints([-1, groups, perGroup])])], { perm: [1, 0, 2] }) : graph.op('Reshape', [read, graph.ints([-1, cin])]));
    const perPosition = windowSlices(graph, graph.op('Transpose', [padded(graph, input.value, geometry)], { perm: [0, 2, 3, 1] }), geometry, [1, 2]).map((read) =>
      graph.op('Reshape', [graph.op('MatMul', [dyRows, patchRows(read)]), graph.ints([cout, 1, perGroup])]),
    );
    wt.grad = graph.op('Transpose', [graph.op('Reshape', [perPosition.length > 1 ? graph.op('Concat', perPosition, { axis: 1 }) : perPosition[0], graph.ints([cout, kh, kw, perGroup])])], { perm: [0, 3, 1, 2] });
    if (b) b.grad = graph.op('ReduceSum', [dy, graph.ints([0, 2, 3])], { keepdims: 0 });
    if (!graph.needsGradient(input.value)) return undefined;
    if (groups > 1 || strides.some((st) => st !== 1)) return graph.op('ConvTranspose', [dy, kernelValue], { ...attrs, output_padding: geometry.outputPadding });
    // At stride 1 the input gradient is a plain convolution of dy by the kernel transposed and
    // turned by 180 degrees, padded by k - 1 - p: onnxruntime's Conv ran ResNet-20's 32x32 layers
    // in 10.9 ms where its ConvTranspose took 24.
    const turned = graph.op('Slice', [graph.op('Transpose', [kernelValue], { perm: [1, 0, 2, 3] }), graph.ints([-1, -1]), graph.ints([-(kh + 1), -(kw + 1)]), graph.ints([2, 3]), graph.ints([-1, -1])]);
    const [top, left, bottom, right] = pads;
    return graph.op('Conv', [dy, turned], { kernel_shape: [kh, kw], pads: [kh - 1 - top, kw - 1 - left, kh - 1 - bottom, kw - 1 - right] });
  });
  const output = activate(String(config.activation ?? 'linear'), { value: y, shape: [n, cout, oh, ow] }, graph, layer.name);
  return { output, weights: [{ variable: kernel, parameter: wt, ...layouts }, ...(b ? [{ variable: bias!, parameter: b, ...sameLayout }] : [])] };
}
