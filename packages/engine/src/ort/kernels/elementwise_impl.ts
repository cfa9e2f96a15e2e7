import { backend_util, type KernelConfig, type NamedAttrMap } from '@tensorflow/tfjs-core';
import { acceleratedKernel, allFloat32, sizeOf } from '../accelerated_kernel';
import type { GraphBuilder, GraphDataType } from '../onnx_graph';

/** A float32 -> float32 elementwise kernel whose graph `body` writes from input `x`. */
export function unaryKernel(
  kernelName: string,
  body: (g: GraphBuilder, x: string, attrs: NamedAttrMap) => string,
  attrKey: (attrs: NamedAttrMap) => string = () => '',
): KernelConfig {
  return acceleratedKernel(kernelName, ({ inputs, attrs, backend }) => {
    const { x } = inputs;
    if (!allFloat32(x) || !backend.worthOffloading(sizeOf(x.shape))) return null;
    return backend.runGraph(`${kernelName}${attrKey(attrs)}`, [x], (g, [xName]) => [
      { name: body(g, xName, attrs), dtype: 'float32' },
    ])[0];
  });
}

/** A broadcasting binary kernel on float32 inputs, mapped to one ONNX op or a small graph. */
export function binaryKernel(
  kernelName: string,
  body: string | ((g: GraphBuilder, a: string, b: string) => string),
  outDtype: GraphDataType = 'float32',
): KernelConfig {
  const build = typeof body === 'string' ? (g: GraphBuilder, a: string, b: string) => g.op(body, [a, b]) : body;
  return acceleratedKernel(kernelName, ({ inputs, backend }) => {
    const { a, b } = inputs;
    if (!allFloat32(a, b)) return null;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (!backend.worthOffloading(sizeOf(outShape))) return null;
    return backend.runGraph(kernelName, [a, b], (g, [aName, bName]) => [{ name: build(g, aName, bName), dtype: outDtype }])[0];
  });
}
