// LayerNormalization written with opset 13 ops (the LayerNormalization op came with opset 17):
// (x - mean) / sqrt(variance + epsilon) * gamma + beta over the normalized axes.
import type * as tfl from '@tensorflow/tfjs-layers';
import { invert, permuteShape, transposeFloats } from '../layout';
import type { Exported, ExportContext } from './export_context';

export function exportLayerNormalization(ctx: ExportContext, layer: tfl.layers.Layer, x: Exported, weight: (key: 'gamma' | 'beta') => { values: Float32Array; shape: number[] } | undefined): string {
  const b = ctx.builder;
  const { axis, epsilon } = layer.getConfig() as { axis: number[]; epsilon: number };
  const rank = x.shape.length;
  const axes = axis.map((a) => x.perm[a < 0 ? a + rank : a]).sort();
  // gamma and beta as full-rank constants in the stored layout (1 on other axes), then in ONNX's
  const constant = (key: 'gamma' | 'beta') => {
    const w = weight(key);
    if (!w) return undefined;
    const stored = x.shape.map((d, i) => (axis.includes(i) ? (d as number) : 1));
    return ctx.floatConstant(`${layer.name}.${key}`, transposeFloats(w.values, stored, invert(x.perm)), permuteShape(stored, invert(x.perm)));
  };
  const mean = b.op('ReduceMean', [x.name], { axes, keepdims: 1 });
  const centered = b.op('Sub', [x.name, mean]);
  const variance = b.op('ReduceMean', [b.op('Mul', [centered, centered])], { axes, keepdims: 1 });
  const deviation = b.op('Sqrt', [b.op('Add', [variance, ctx.floatConstant(`${layer.name}.epsilon`, [epsilon], [])])]);
  const gamma = constant('gamma');
  const beta = constant('beta');
  let y = b.op('Div', [centered, deviation], {}, gamma || beta ? {} : { name: layer.name });
  if (gamma) y = b.op('Mul', [y, gamma], {}, beta ? {} : { name: layer.name });
  if (beta) y = b.op('Add', [y, beta], {}, { name: layer.name });
  return y;
}
