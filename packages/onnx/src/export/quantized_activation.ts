// A quantized activation in each export format. QONNX: a Relu then an unsigned Quant (zero point 0,
// not narrow), a signed narrow Quant, or BipolarQuant with scale 1: the forms FINN's
// ConvertQONNXtoFINN turns into MultiThreshold nodes (its QuantReluHandler and
// QuantIdentityHandler). Float: the clip, a division by the step, Round (half to even) and a
// multiplication back, as training computes it, exactly. Int8: the clip, then QuantizeLinear and
// DequantizeLinear (8-bit codes, the clip holding them to 2^bits levels), the form onnxruntime runs
// as integer kernels; its graph optimizations fuse DequantizeLinear -> Conv -> QuantizeLinear
// into kernels that round the accumulator their own way, so a few activations land one level off
// (docs/activations.md). Binary, in both: Where(x >= 0, 1, -1).
import { positiveSteps, type QuantizedActivation } from '@sparse-ternary/engine';
import { QONNX_DOMAIN } from '../proto';
import type { ExportContext, Exported } from './export_context';

export function exportQuantizedActivation(ctx: ExportContext, layer: QuantizedActivation, x: Exported): Exported {
  const q = layer.quantization;
  const b = ctx.builder;
  const name = layer.name;
  const constant = (suffix: string, value: number) => ctx.floatConstant(`${name}.${suffix}`, [value], []);
  if (q.bits === 1) {
    if (ctx.format === 'qonnx') {
      ctx.usesQonnx = true;
      return { ...x, name: b.op('BipolarQuant', [x.name, constant('scale', 1)], {}, { name, domain: QONNX_DOMAIN }) };
    }
    const sign = b.op('GreaterOrEqual', [x.name, constant('zero', 0)], {}, { name: `${name}.sign` });
    return { ...x, name: b.op('Where', [sign, constant('plus', 1), constant('minus', -1)], {}, { name }) };
  }
  const clip = layer.clip();
  const scale = Math.fround(clip / positiveSteps(q));
  if (ctx.format === 'qonnx') {
    ctx.usesQonnx = true;
    const input = q.signed ? x.name : b.op('Relu', [x.name], {}, { name: `${name}.relu` });
    const args = [input, constant('scale', scale), constant('zero_point', 0), constant('bitwidth', q.bits)];
    return { ...x, name: b.op(ctx.quantOp, args, { signed: q.signed ? 1 : 0, narrow: q.signed ? 1 : 0, rounding_mode: 'ROUND' }, { name, domain: QONNX_DOMAIN }) };
  }
  const clipped = b.op('Clip', [x.name, constant('min', q.signed ? -clip : 0), constant('max', clip)], {}, { name: `${name}.clip` });
  if (ctx.format === 'float') {
    const step = constant('step', scale);
    const levels = b.op('Round', [b.op('Div', [clipped, step], {}, { name: `${name}.divide` })], {}, { name: `${name}.round` });
    return { ...x, name: b.op('Mul', [levels, step], {}, { name }) };
  }
  const zero = b.initializer(`${name}.zero_point`, q.signed ? 'int8' : 'uint8', [0], []);
  const codes = b.op('QuantizeLinear', [clipped, constant('scale', scale), zero], {}, { name: `${name}.quantize` });
  return { ...x, name: b.op('DequantizeLinear', [codes, `${name}.scale`, zero], {}, { name }) };
}
