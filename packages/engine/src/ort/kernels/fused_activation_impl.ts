import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float, type GraphBuilder } from '../onnx_graph';

export type FusableActivation = 'linear' | 'relu' | 'relu6' | 'prelu' | 'leakyrelu' | 'sigmoid' | 'elu';

/** Appends the fused activation of _FusedMatMul and FusedConv2D; `prelu` names the alpha input. */
export function applyActivation(
  g: GraphBuilder,
  y: string,
  activation: FusableActivation,
  leakyreluAlpha: number,
  prelu?: string,
): string {
  switch (activation) {
    case 'linear':
      return y;
    case 'relu':
      return g.op('Relu', [y]);
    case 'relu6':
      return g.op('Clip', [y, g.constFloat([0], []), g.constFloat([6], [])]);
    case 'prelu':
      // TF.js prelu is max(0,x) + alpha*min(0,x) with numpy broadcasting of alpha.
      return g.op('Where', [g.op('Less', [y, g.constFloat([0], [])]), g.op('Mul', [y, prelu!]), y]);
    case 'leakyrelu':
      return g.op('LeakyRelu', [y], { alpha: float(leakyreluAlpha) });
    case 'sigmoid':
      return g.op('Sigmoid', [y]);
    case 'elu':
      return g.op('Elu', [y], { alpha: float(1) });
  }
}

/** The optional bias and prelu inputs of a fused kernel, in the order the graph takes them. */
export function fusedExtras(bias?: TensorInfo, prelu?: TensorInfo): TensorInfo[] {
  return [bias, prelu].filter((t): t is TensorInfo => t !== undefined);
}
