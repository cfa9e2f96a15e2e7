// GELU written with opset 13 ops (ONNX's Gelu op came with opset 20): the exact form
// x * 0.5 * (1 + Erf(x / sqrt 2)) as torch exports it, or the tanh approximation.
import type { ExportContext } from './export_context';

export function exportGelu(ctx: ExportContext, x: string, tanh: boolean, name: string): string {
  const b = ctx.builder;
  const constant = (suffix: string, value: number) => ctx.floatConstant(`${name}.${suffix}`, [value], []);
  let inner: string;
  if (tanh) {
    const cube = b.op('Mul', [b.op('Mul', [x, x]), x]);
    const sum = b.op('Add', [x, b.op('Mul', [cube, constant('c', 0.044715)])]);
    inner = b.op('Tanh', [b.op('Mul', [sum, constant('sqrt_2_over_pi', Math.sqrt(2 / Math.PI))])]);
  } else {
    inner = b.op('Erf', [b.op('Div', [x, constant('sqrt2', Math.SQRT2)])]);
  }
  const half = b.op('Mul', [x, constant('half', 0.5)]);
  return b.op('Mul', [half, b.op('Add', [inner, constant('one', 1)])], {}, { name });
}
