// TF.js activation names as ONNX nodes.
import { float } from '@sparse-ternary/engine';
import { ExportError } from '../errors';
import type { ExportContext, Exported } from './export_context';

/** Applies a TF.js activation (by its registered name) to a value; 'linear' adds nothing. */
export function exportActivation(ctx: ExportContext, activation: string | undefined, value: Exported, layer: string): Exported {
  const b = ctx.builder;
  const op = (type: string, attrs = {}, extra: string[] = []) => ({ ...value, name: b.op(type, [value.name, ...extra], attrs, { name: `${layer}.${type}` }) });
  switch (activation ?? 'linear') {
    case 'linear':
      return value;
    case 'relu':
      return op('Relu');
    case 'relu6':
      return op('Clip', {}, [ctx.floatConstant(`${layer}.min`, [0], []), ctx.floatConstant(`${layer}.max`, [6], [])]);
    case 'sigmoid':
      return op('Sigmoid');
    case 'tanh':
      return op('Tanh');
    case 'elu':
      return op('Elu', { alpha: float(1) });
    case 'selu':
      return op('Selu');
    case 'softplus':
      return op('Softplus');
    case 'softsign':
      return op('Softsign');
    case 'hardSigmoid':
      return op('HardSigmoid', { alpha: float(0.2), beta: float(0.5) });
    case 'softmax':
      // TF.js takes the softmax over the stored last axis.
      return op('Softmax', { axis: value.perm[value.perm.length - 1] });
    default:
      throw new ExportError(`activation '${activation}' has no ONNX export`, layer);
  }
}
