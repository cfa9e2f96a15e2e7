import { FusedBatchNorm, type FusedBatchNormAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

/**
 * y = (x - mean) * scale / sqrt(variance + eps) + offset with numpy broadcasting, as TF.js does,
 * folded into y = x * a + b where a and b are computed on the small parameter tensors.
 */
export const fusedBatchNormConfig = acceleratedKernel(FusedBatchNorm, ({ inputs, attrs, backend }) => {
  const { x, mean, variance, scale, offset } = inputs;
  const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
  if (!allFloat32(x, mean, variance, scale, offset) || !backend.worthOffloading(sizeOf(x.shape))) return null;
  const params = [scale, offset].filter((t): t is TensorInfo => t !== undefined);
  const key = `${FusedBatchNorm}(${varianceEpsilon},${scale !== undefined},${offset !== undefined})`;
  return backend.runGraph(key, [x, mean, variance, ...params], (g, [xName, meanName, varName, ...rest]) => {
    const scaleName = scale ? rest[0] : undefined;
    const offsetName = offset ? rest[rest.length - 1] : undefined;
    const eps = g.constFloat([varianceEpsilon], []);
    let a = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [varName, eps])])]);
    if (scaleName) a = g.op('Mul', [a, scaleName]);
    let b = g.op('Neg', [g.op('Mul', [meanName, a])]);
    if (offsetName) b = g.op('Add', [b, offsetName]);
    return [{ name: g.op('Add', [g.op('Mul', [xName, a]), b]), dtype: 'float32' }];
  })[0];
});
