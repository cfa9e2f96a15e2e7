// Conv2D, any stride, 'valid' or 'same' (TF.js's padding), channels-first. The input gradient is a
// ConvTranspose; the filter gradient one GEMM of the output gradient [cout, N * P] by the padded
// input's patches [N * P, kh * kw * cin], taken channels-last by one strided Slice per kernel
// position and a Concat (as a Conv over the batch axis it measured 3-4x slower).
import type * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './activation_compiler';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';
import { pair, weightOf } from './layer_fields';
import { padded, windowGeometry, windowSlices } from './window_geometry';

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
  const [kh, kw, , cout] = kernel.shape as number[];
  const geometry = windowGeometry(layer.name, config, [kh, kw], pair(config.strides ?? 1), [h, w]);
  const { pads, strides, out: [oh, ow] } = geometry;
  const wt = graph.parameter([cout, cin, kh, kw]);
  const layouts = kernelLayouts(kh, kw, cin, cout);
  const kernelValue = graph.kernel(layer, wt, layouts.toGraph);
  const b = bias && graph.parameter([cout]);
  const attrs = { kernel_shape: [kh, kw], pads, strides };
  const y = graph.op('Conv', [input.value, kernelValue, ...(b ? [b.name] : [])], attrs);
  graph.onBackward((dy) => {
    // Per kernel position, dW[:, :, ky, kx] = dy as [cout, N * P] times what the position reads as [N * P, cin].
    const dyRows = graph.op('Reshape', [graph.op('Transpose', [dy], { perm: [1, 0, 2, 3] }), graph.ints([cout, -1])]);
    const perPosition = windowSlices(graph, graph.op('Transpose', [padded(graph, input.value, geometry)], { perm: [0, 2, 3, 1] }), geometry, [1, 2]).map((read) =>
      graph.op('Reshape', [graph.op('MatMul', [dyRows, graph.op('Reshape', [read, graph.ints([-1, cin])])]), graph.ints([cout, 1, cin])]),
    );
    wt.grad = graph.op('Transpose', [graph.op('Reshape', [perPosition.length > 1 ? graph.op('Concat', perPosition, { axis: 1 }) : perPosition[0], graph.ints([cout, kh, kw, cin])])], { perm: [0, 3, 1, 2] });
    if (b) b.grad = graph.op('ReduceSum', [dy, graph.ints([0, 2, 3])], { keepdims: 0 });
    return graph.needsGradient(input.value) ? graph.op('ConvTranspose', [dy, kernelValue], { ...attrs, output_padding: geometry.outputPadding }) : undefined;
  });
  const output = activate(String(config.activation ?? 'linear'), { value: y, shape: [n, cout, oh, ow] }, graph, layer.name);
  return { output, weights: [{ variable: kernel, parameter: wt, ...layouts }, ...(b ? [{ variable: bias!, parameter: b, ...sameLayout }] : [])] };
}
