// QONNX's IntQuant (formerly Quant) and BipolarQuant ops (domain qonnx.custom_op.general),
// written from the QONNX spec: y = scale * (clamp(round(x / scale + zero_point), min_int, max_int) - zero_point), with
// min_int/max_int from the bit width, signedness and narrow range; BipolarQuant is sign(x) * scale
// with sign(0) = +1. The importer folds constant Quant nodes with it; tests check exports against it.

export type RoundingMode = 'ROUND' | 'CEIL' | 'FLOOR' | 'ROUND_TO_ZERO' | 'UP' | 'DOWN' | 'HALF_UP' | 'HALF_DOWN';

export interface QuantAttributes {
  signed: boolean;
  narrow: boolean;
  roundingMode: RoundingMode;
}

/** Round half to even, as numpy.round. */
export function roundHalfToEven(v: number): number {
  const floor = Math.floor(v);
  const fraction = v - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Rounding to the nearest integer, ties away from zero. */
const roundHalfUp = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);

/** The spec's modes: UP and DOWN go away from and towards zero; HALF_UP and HALF_DOWN break ties so. */
export const ROUNDING: Record<RoundingMode, (v: number) => number> = {
  ROUND: roundHalfToEven,
  CEIL: Math.ceil,
  FLOOR: Math.floor,
  ROUND_TO_ZERO: Math.trunc,
  UP: (v) => Math.sign(v) * Math.ceil(Math.abs(v)),
  DOWN: Math.trunc,
  HALF_UP: roundHalfUp,
  HALF_DOWN: (v) => Math.sign(v) * Math.ceil(Math.abs(v) - 0.5),
};

export function quantRange(bitwidth: number, { signed, narrow }: Pick<QuantAttributes, 'signed' | 'narrow'>): [number, number] {
  if (signed) return [-(2 ** (bitwidth - 1)) + (narrow ? 1 : 0), 2 ** (bitwidth - 1) - 1];
  return [0, 2 ** bitwidth - (narrow ? 2 : 1)];
}

/** A parameter of the ops: one value for the tensor, or each element's (a broadcast scale, per channel). */
export type PerElement = number | ((index: number) => number);
const at = (p: PerElement, i: number) => (typeof p === 'number' ? p : p(i));

/** Quant with a scale and zero point per tensor or per element, and a bit width. */
export function quant(x: ArrayLike<number>, scale: PerElement, zeroPoint: PerElement, bitwidth: number, attributes: QuantAttributes): Float32Array {
  const [min, max] = quantRange(bitwidth, attributes);
  const round = ROUNDING[attributes.roundingMode];
  return Float32Array.from(x, (v, i) => {
    const [s, z] = [at(scale, i), at(zeroPoint, i)];
    const level = round(Math.min(Math.max(v / s + z, min), max));
    return (level - z) * s;
  });
}

export function bipolarQuant(x: ArrayLike<number>, scale: PerElement): Float32Array {
  return Float32Array.from(x, (v, i) => (v >= 0 ? at(scale, i) : -at(scale, i)));
}
