// State of one export: the ONNX value (and its layout) behind every TF.js tensor, and the
// weights written in the chosen format with their per-layer statistics.
import { GraphBuilder } from '@sparse-ternary/engine';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ExportError } from '../errors';
import { compose, invert, permuteShape, samePerm, type Perm } from '../layout';
import { QONNX_DOMAIN } from '../proto';
import { kernelLevels, type WeightLevels } from '@sparse-ternary/hw-cost';

/** How quantized kernels are written. */
export type WeightFormat = 'float' | 'int8' | 'qonnx';

/** QONNX's integer quantizer: `Quant` (what FINN reads today) or `IntQuant` (its name in the current QONNX spec; same semantics). */
export type QonnxQuantOp = 'Quant' | 'IntQuant';
export const QONNX_QUANT_OPS: readonly QonnxQuantOp[] = ['Quant', 'IntQuant'];

/** An ONNX value for a TF.js tensor: stored = onnx.transpose(perm), as in import. */
export interface Exported {
  name: string;
  perm: Perm;
  /** TF.js shape (batch first, null). */
  shape: (number | null)[];
  /** ONNX holds (c, h, w) order where TF.js holds (h, w, c): dense kernels reorder their rows. */
  flattened?: [number, number, number];
}

export interface ExportedLayer {
  layer: string;
  /** The ONNX initializer holding the weights. */
  weight: string;
  levels: WeightLevels;
  alpha: number;
  /** How many scales the weights have: 1, or one per output channel. */
  scales: number;
  size: number;
  sparsity: number;
}

export class ExportContext {
  readonly builder = new GraphBuilder();
  readonly values = new Map<tfl.SymbolicTensor, Exported>();
  readonly layers: ExportedLayer[] = [];
  usesQonnx = false;
  private readonly relayouts = new Map<string, string>();

  constructor(
    readonly format: WeightFormat,
    readonly quantOp: QonnxQuantOp = 'Quant',
  ) {}

  value(tensor: tfl.SymbolicTensor, layer: string): Exported {
    const value = this.values.get(tensor);
    if (!value) throw new ExportError(`its input '${tensor.name}' has not been exported`, layer);
    return value;
  }

  /** The ONNX name of the value in a layout, adding one Transpose per (value, layout). */
  as(value: Exported, perm: Perm, layer: string): string {
    if (value.flattened) throw new ExportError('a flattened channels-first tensor reaches a layer that is not dense', layer);
    if (samePerm(value.perm, perm)) return value.name;
    const key = `${value.name}:${perm.join(',')}`;
    if (!this.relayouts.has(key)) {
      // onnx_new = stored.transpose(perm^-1) = onnx_old.transpose(value.perm then perm^-1).
      this.relayouts.set(key, this.builder.op('Transpose', [value.name], { perm: compose(value.perm, invert(perm)) }));
    }
    return this.relayouts.get(key)!;
  }

  /** ONNX shape of a value. */
  onnxShape(value: Exported): (number | null)[] {
    return permuteShape(value.shape, invert(value.perm));
  }

  /**
   * A layer's weight in the export format: ternary and binary kernels as int8 + DequantizeLinear
   * or as QONNX (Int)Quant / BipolarQuant nodes, their scale per tensor or, where the kernel has one
   * per output channel (on `channelAxis` of `dims`), per channel (DequantizeLinear's axis, a scale
   * tensor broadcast along it); float otherwise. Returns the name the op reads.
   */
  weight(layer: string, values: Float32Array, dims: number[], quantizable = true, channelAxis = 0): string {
    const name = `${layer}.weight`;
    const channels = { count: dims[channelAxis], inner: dims.slice(channelAxis + 1).reduce((a, b) => a * b, 1) };
    const { levels, alpha, alphas, zeros } = quantizable ? kernelLevels(values, channels) : { levels: 'float' as const, alpha: 0, alphas: undefined, zeros: 0 };
    if (quantizable) this.layers.push({ layer, weight: name, levels, alpha, scales: alphas?.length ?? 1, size: values.length, sparsity: values.length ? zeros / values.length : 0 });
    const b = this.builder;
    if (levels === 'float' || this.format === 'float') return b.initializer(name, 'float32', values, dims);
    // A channel of zeros keeps scale 1 (its codes are 0 whatever the scale; a zero scale would divide by 0).
    const scales = alphas && Float32Array.from(alphas, (a) => a || 1);
    const scaleOf = (i: number) => (scales ? scales[Math.floor(i / channels.inner) % channels.count] : alpha);
    const codes = () => Int8Array.from(values, (v, i) => Math.round(v / scaleOf(i)));
    if (this.format === 'int8') {
      const q = b.initializer(`${name}.int8`, 'int8', codes(), dims);
      const scale = b.initializer(`${name}.scale`, 'float32', scales ?? [alpha], scales ? [scales.length] : []);
      const zero = b.initializer(`${name}.zero_point`, 'int8', scales ? new Int8Array(scales.length) : [0], scales ? [scales.length] : []);
      return b.op('DequantizeLinear', [q, scale, zero], scales ? { axis: channelAxis } : {}, { name: `${name}.dequantize` });
    }
    this.usesQonnx = true;
    const raw = b.initializer(`${name}.float`, 'float32', values, dims);
    // QONNX's scale broadcasts against the weight: [channels, 1, ...] along the channel axis.
    const scale = b.initializer(`${name}.scale`, 'float32', scales ?? [alpha], scales ? dims.map((d, k) => (k === channelAxis ? d : 1)) : []);
    if (levels === 'binary') return b.op('BipolarQuant', [raw, scale], {}, { name: `${name}.quant`, domain: QONNX_DOMAIN });
    const zero = b.initializer(`${name}.zero_point`, 'float32', [0], []);
    const bits = b.initializer(`${name}.bitwidth`, 'float32', [2], []);
    return b.op(this.quantOp, [raw, scale, zero, bits], { signed: 1, narrow: 1, rounding_mode: 'ROUND' }, { name: `${name}.quant`, domain: QONNX_DOMAIN });
  }

  floatConstant(name: string, values: ArrayLike<number>, dims: readonly number[]): string {
    return this.builder.initializer(name, 'float32', values, dims);
  }
}
