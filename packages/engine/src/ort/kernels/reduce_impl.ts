import { util, type KernelConfig, type SumAttrs } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';

/**
 * Sum, Mean, Max, Min and Prod over any axes. At opset 17 ReduceSum takes its axes as an input,
 * the others as an attribute.
 */
export function reduceKernel(kernelName: string, onnxOp: string): KernelConfig {
  return acceleratedKernel(kernelName, ({ inputs, attrs, backend }) => {
    const { x } = inputs;
    // Max names its axes reductionIndices; the other reductions call them axis.
    const { axis, reductionIndices, keepDims } = attrs as unknown as SumAttrs & { reductionIndices?: number | number[] };
    const axes = util.parseAxisParam(reductionIndices ?? axis, x.shape);
    // No axes means identity in TF.js but "reduce everything" in ONNX: leave it to the cpu kernel.
    if (!allFloat32(x) || axes.length === 0 || !backend.worthOffloading(sizeOf(x.shape))) return null;
    const keepdims = Number(keepDims);
    return backend.runGraph(`${kernelName}(${axes},${keepdims})`, [x], (g, [xName]) => {
      const y =
        onnxOp === 'ReduceSum'
          ? g.op(onnxOp, [xName, g.constInt64(axes)], { keepdims })
          : g.op(onnxOp, [xName], { axes, keepdims });
      return [{ name: y, dtype: 'float32' }];
    })[0];
  });
}
