// Dense: y = x W (+ b). dW = x^T dy, db = the batch sum of dy, dx = dy W^T.
import type * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './activation_compiler';
import { CompileError } from '../errors';
import { sameLayout, type CompiledLayer } from './layer_compilers';
import type { Activation, StepGraph } from './step_graph';
import { weightOf } from './layer_fields';

export function compileDense(layer: tfl.layers.Layer, input: Activation, graph: StepGraph): CompiledLayer {
  if (input.shape.length !== 2) throw new CompileError(`a dense layer on a [${input.shape}] input`, layer.name);
  const kernel = weightOf(layer, 'kernel')!;
  const bias = weightOf(layer, 'bias');
  const [fin, fout] = kernel.shape as number[];
  const w = graph.parameter([fin, fout]);
  const b = bias && graph.parameter([fout]);
  const kernelValue = graph.kernel(layer, w, sameLayout.toGraph, { count: fout, inner: 1 });
  const product = graph.op('MatMul', [input.value, kernelValue]);
  const y = b ? graph.op('Add', [product, b.name]) : product;
  graph.onBackward((dy) => {
    w.grad = graph.op('MatMul', [graph.op('Transpose', [input.value]), dy]);
    if (b) b.grad = graph.op('ReduceSum', [dy, graph.ints([0])], { keepdims: 0 });
    return graph.needsGradient(input.value) ? graph.op('MatMul', [dy, graph.op('Transpose', [kernelValue])]) : undefined;
  });
  const output = activate(String(layer.getConfig().activation ?? 'linear'), { value: y, shape: [input.shape[0], fout] }, graph, layer.name);
  return { output, weights: [{ variable: kernel, parameter: w, ...sameLayout }, ...(b ? [{ variable: bias!, parameter: b, ...sameLayout }] : [])] };
}
