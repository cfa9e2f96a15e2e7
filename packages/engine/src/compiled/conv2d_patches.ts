// A stride-1 convolution with small planes as one GEMM over the whole batch's patches.
// onnxruntime's Conv and ConvTranspose run an im2col and a GEMM per image: with few output
// positions per image those GEMMs are tiny (CNV's 10x10 layer ran at 94 GFLOP/s where its 28x28 one
// ran at 160; its 3x3 and 1x1 ones at 58 and 21). Here the patches of every image, channels-last,
// are one [N * P, kh * kw * cin] matrix: the forward pass is one GEMM by the kernel in TF.js's own
// layout [kh * kw * cin, cout], the filter gradient one GEMM of the same patches by the output
// gradient, and the input gradient one GEMM whose rows are placed back where each position read
// (a Pad per kernel position, summed).
import type * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './activation_compiler';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';
import { weightOf } from './layer_fields';
import { padded, windowSlices, type WindowGeometry } from './window_geometry';

/** Output positions per image up to which the batch's patches go into one GEMM (stride 1, one group). */
export const SMALL_PLANE = 100;

export function compileConv2DPatches(layer: tfl.layers.Layer, input: Activation, graph: StepGraph, geometry: WindowGeometry): CompiledLayer {
  const config = layer.getConfig();
  const [n, cin, h, w] = input.shape;
  const kernel = weightOf(layer, 'kernel')!;
  const bias = weightOf(layer, 'bias');
  const [kh, kw, , cout] = kernel.shape as number[];
  const { pads: [top, left, bottom, right], out: [oh, ow] } = geometry;
  const depth = kh * kw * cin;
  const wt = graph.parameter([kh, kw, cin, cout]);
  const kernelValue = graph.kernel(layer, wt, sameLayout.toGraph, { count: cout, inner: 1 });
  const matrix = graph.op('Reshape', [kernelValue, graph.ints([depth, cout])]);
  const b = bias && graph.parameter([cout]);
  const channelsLast = graph.op('Transpose', [padded(graph, input.value, geometry)], { perm: [0, 2, 3, 1] });
  const reads = windowSlices(graph, channelsLast, geometry, [1, 2]);
  const patches = graph.op('Reshape', [reads.length > 1 ? graph.op('Concat', reads, { axis: 3 }) : reads[0], graph.ints([-1, depth])]);
  const rows = b ? graph.op('Gemm', [patches, matrix, b.name]) : graph.op('MatMul', [patches, matrix]);
  const y = graph.op('Transpose', [graph.op('Reshape', [rows, graph.ints([-1, oh, ow, cout])])], { perm: [0, 3, 1, 2] });
  graph.onBackward((dy) => {
    const dyRows = graph.op('Reshape', [graph.op('Transpose', [dy], { perm: [0, 2, 3, 1] }), graph.ints([-1, cout])]);
    wt.grad = graph.op('Reshape', [graph.op('Gemm', [patches, dyRows], { transA: 1 }), graph.ints([kh, kw, cin, cout])]);
    if (b) b.grad = graph.op('ReduceSum', [dyRows, graph.ints([0])], { keepdims: 0 });
    if (!graph.needsGradient(input.value)) return undefined;
    // Each kernel position's share of the patches' gradient, put back at the rows and columns it read.
    const perPosition = graph.op('Reshape', [graph.op('Gemm', [dyRows, matrix], { transB: 1 }), graph.ints([-1, oh, ow, kh * kw, cin])]);
    const [hp, wp] = [h + top + bottom, w + left + right];
    const placed = Array.from({ length: kh * kw }, (_, k) => {
      const [ky, kx] = [Math.floor(k / kw), k % kw];
      const share = graph.op('Reshape', [graph.op('Slice', [perPosition, graph.ints([k]), graph.ints([k + 1]), graph.ints([3])]), graph.ints([-1, oh, ow, cin])]);
      return graph.op('Pad', [share, graph.ints([0, ky, kx, 0, 0, hp - oh - ky, wp - ow - kx, 0])]);
    });
    const sum = placed.reduce((total, part) => graph.op('Add', [total, part]));
    const inside = top || left || bottom || right ? graph.op('Slice', [sum, graph.ints([top, left]), graph.ints([top + h, left + w]), graph.ints([1, 2])]) : sum;
    return graph.op('Transpose', [inside], { perm: [0, 3, 1, 2] });
  });
  const output = activate(String(config.activation ?? 'linear'), { value: y, shape: [n, cout, oh, ow] }, graph, layer.name);
  return { output, weights: [{ variable: kernel, parameter: wt, ...sameLayout }, ...(b ? [{ variable: bias!, parameter: b, ...sameLayout }] : [])] };
}
