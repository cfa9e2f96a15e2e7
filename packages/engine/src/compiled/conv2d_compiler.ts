// Conv2D, stride 1, 'valid' or 'same' (TF's padding: the odd pixel at the end), channels-first.
// The input gradient is a ConvTranspose; the filter gradient one GEMM of the output gradient
// [cout, N * P] by the padded input's patches [N * P, kh * kw * cin], taken channels-last by one
// Slice per kernel position and a Concat (as a Conv over the batch axis it measured 3-4x slower).
import type * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './activation_compiler';
import { CompileError } from '../errors';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';
import { pair, weightOf } from './layer_fields';

/** TF.js's [kh, kw, cin, cout] kernel as ONNX's [cout, cin, kh, kw], and back. */
function kernelLayouts(kh: number, kw: number, cin: number, cout: number) {
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
  if (pair(config.strides).some((s) => s !== 1) || pair(config.dilationRate ?? 1).some((d) => d !== 1) || (config.dataFormat ?? 'channelsLast') !== 'channelsLast') {
    throw new CompileError('only undilated, channels-last convolutions with stride 1 are compiled', layer.name);
  }
  const [n, cin, h, w] = input.shape; // n: -1, any batch
  const kernel = weightOf(layer, 'kernel')!;
  const bias = weightOf(layer, 'bias');
  const [kh, kw, , cout] = kernel.shape as number[];
  // 'same' at stride 1: kh - 1 rows of padding, the odd one at the bottom (TF's rule).
  const [top, left] = config.padding === 'same' ? [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)] : [0, 0];
  const [bottom, right] = config.padding === 'same' ? [kh - 1 - top, kw - 1 - left] : [0, 0];
  const pads = [top, left, bottom, right];
  const [oh, ow] = [h + top + bottom - kh + 1, w + left + right - kw + 1];
  const wt = graph.parameter([cout, cin, kh, kw]);
  const layouts = kernelLayouts(kh, kw, cin, cout);
  const kernelValue = graph.kernel(layer, wt, layouts.toGraph);
  const b = bias && graph.parameter([cout]);
  const y = graph.op('Conv', [input.value, kernelValue, ...(b ? [b.name] : [])], { kernel_shape: [kh, kw], pads });
  graph.onBackward((dy) => {
    const padded = pads.some((p) => p) ? graph.op('Pad', [input.value, graph.ints([0, 0, top, left, 0, 0, bottom, right])]) : input.value;
    const channelsLast = graph.op('Transpose', [padded], { perm: [0, 2, 3, 1] });
    const patches: string[] = [];
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) patches.push(graph.op('Slice', [channelsLast, graph.ints([ky, kx]), graph.ints([ky + oh, kx + ow]), graph.ints([1, 2])]));
    const columns = graph.op('Reshape', [patches.length > 1 ? graph.op('Concat', patches, { axis: 3 }) : patches[0], graph.ints([-1, kh * kw * cin])]);
    const dyRows = graph.op('Reshape', [graph.op('Transpose', [dy], { perm: [1, 0, 2, 3] }), graph.ints([cout, -1])]);
    wt.grad = graph.op('Transpose', [graph.op('Reshape', [graph.op('MatMul', [dyRows, columns]), graph.ints([cout, kh, kw, cin])])], { perm: [0, 3, 1, 2] });
    if (b) b.grad = graph.op('ReduceSum', [dy, graph.ints([0, 2, 3])], { keepdims: 0 });
    return graph.op('ConvTranspose', [dy, kernelValue], { kernel_shape: [kh, kw], pads });
  });
  const output = activate(String(config.activation ?? 'linear'), { value: y, shape: [n, cout, oh, ow] }, graph, layer.name);
  return { output, weights: [{ variable: kernel, parameter: wt, ...layouts }, ...(b ? [{ variable: bias!, parameter: b, ...sameLayout }] : [])] };
}
