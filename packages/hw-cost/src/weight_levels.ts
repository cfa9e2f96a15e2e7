// Recognizes the kernels that are exactly ternary {-alpha, 0, +alpha} or binary {-alpha, +alpha}.

export type WeightLevels = 'ternary' | 'binary' | 'float';

export interface KernelLevels {
  levels: WeightLevels;
  /** The scale alpha of ternary and binary kernels (the largest magnitude otherwise). */
  alpha: number;
  zeros: number;
}

export function kernelLevels(values: ArrayLike<number>): KernelLevels {
  let alpha = 0;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude > alpha) alpha = magnitude;
    if (magnitude === 0) zeros++;
  }
  let levelled = alpha > 0;
  for (let i = 0; i < values.length && levelled; i++) {
    const magnitude = Math.abs(values[i]);
    levelled = magnitude === 0 || magnitude === alpha;
  }
  return { levels: !levelled ? 'float' : zeros ? 'ternary' : 'binary', alpha, zeros };
}
