// What an activation quantizer is: its bit width, whether its levels are signed, and where its
// clipping range comes from. One value describes every quantized activation of a run; each layer
// then holds its own range (`clip`), fixed, calibrated from the float model or learned.
import { ActivationQuantizationError } from '../errors';

/**
 * Where a quantizer's clipping range comes from: `fixed` (the given `clip`), `calibrated` (from the
 * float model's activations on a batch of training images, then fixed) or `learned` (calibrated,
 * then trained with the weights: PACT's gradient, 1 where the input is clipped at the range).
 */
export const ACTIVATION_RANGES = ['fixed', 'calibrated', 'learned'] as const;
export type ActivationRange = (typeof ACTIVATION_RANGES)[number];

/** The bit widths a run takes (its actBits option): 32 is float (no quantizer), 1 is binary (sign). */
export const ACTIVATION_BITS = [32, 8, 4, 2, 1] as const;

export interface ActivationQuantization {
  /** 1 (binary: +1 or -1, the sign) or 2..8 (uniform levels). */
  bits: number;
  /**
   * Uniform levels symmetric about zero (narrow range: -(2^(bits-1) - 1) .. 2^(bits-1) - 1 steps;
   * 2 bits is ternary), replacing the activation function as a hard tanh does; unsigned levels
   * (0 .. 2^bits - 1 steps) are a quantized ReLU. Binary is signed.
   */
  signed: boolean;
  range: ActivationRange;
  /** The clipping range's upper end (the lower is 0, or -clip when signed); the start of a learned one. Binary ignores it. */
  clip: number;
}

/** The quantizer's kind: which of ACTIVATION_QUANTIZERS computes it. */
export const quantizerKind = (q: Pick<ActivationQuantization, 'bits'>): 'binary' | 'uniform' => (q.bits === 1 ? 'binary' : 'uniform');

/** The number of steps above zero: the largest level is steps * (clip / steps). */
export const positiveSteps = ({ bits, signed }: Pick<ActivationQuantization, 'bits' | 'signed'>): number => (signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1);

/** A checked ActivationQuantization: bits 1..8, a positive finite clip, a known range (binary: signed and fixed). */
export function activationQuantization(q: ActivationQuantization): ActivationQuantization {
  if (!Number.isInteger(q.bits) || q.bits < 1 || q.bits > 8) throw new ActivationQuantizationError(`activation bits must be an integer from 1 to 8, got ${q.bits}`);
  if (!ACTIVATION_RANGES.includes(q.range)) throw new ActivationQuantizationError(`activation range must be one of ${ACTIVATION_RANGES.join(', ')}, got '${q.range}'`);
  if (!(q.clip > 0) || !Number.isFinite(q.clip)) throw new ActivationQuantizationError(`activation clip must be a positive number, got ${q.clip}`);
  // Binary has no range: its clip is neither calibrated nor learned.
  return q.bits === 1 ? { ...q, signed: true, range: 'fixed' } : q;
}
