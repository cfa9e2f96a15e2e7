import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { allFloat32, sizeOf, type OrtKernelArgs } from '../accelerated_kernel';
import { applyActivation, fusedExtras, type FusableActivation } from './fused_activation_impl';

export interface MatMulSpec {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  bias?: TensorInfo;
  prelu?: TensorInfo;
  activation: FusableActivation;
  leakyreluAlpha: number;
}

const swapLastTwo = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

/**
 * BatchMatMul and _FusedMatMul. A single matrix product (all batch dims 1) runs as Gemm on 2-D
 * views of the same data, so transposes cost nothing; batched products run as MatMul.
 */
export function matMulOnOrt(kernelName: string, backend: OrtKernelArgs['backend'], spec: MatMulSpec): TensorInfo | null {
  const { a, b, transposeA, transposeB, bias, prelu, activation, leakyreluAlpha } = spec;
  if (!allFloat32(a, b, bias, prelu)) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  if (!backend.worthOffloading(sizeOf(outer) * m * n * k)) return null;

  const single = sizeOf(outerA) === 1 && sizeOf(outerB) === 1;
  // With every batch dimension 1, each operand (and bias or prelu alpha) is viewed as its last two dimensions.
  const view = (t: TensorInfo): TensorInfo => (single ? { ...t, shape: t.shape.slice(-2) } : t);
  const extras = fusedExtras(bias, prelu);
  const key = `${kernelName}(${transposeA},${transposeB},${activation},${leakyreluAlpha},${bias !== undefined},${prelu !== undefined})`;
  return backend.runGraph(
    key,
    [a, b, ...extras].map(view),
    (g, [aName, bName, ...rest]) => {
      let y: string;
      if (single) {
        y = g.op('Gemm', [aName, bName], { transA: Number(transposeA), transB: Number(transposeB) });
      } else {
        const aIn = transposeA ? g.op('Transpose', [aName], { perm: swapLastTwo(a.shape.length) }) : aName;
        const bIn = transposeB ? g.op('Transpose', [bName], { perm: swapLastTwo(b.shape.length) }) : bName;
        y = g.op('MatMul', [aIn, bIn]);
      }
      if (bias) y = g.op('Add', [y, rest[0]]);
      y = applyActivation(g, y, activation, leakyreluAlpha, prelu ? rest[rest.length - 1] : undefined);
      return [{ name: y, dtype: 'float32' }];
    },
    single ? [[...outer, m, n]] : undefined,
  )[0];
}
