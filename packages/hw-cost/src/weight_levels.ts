// Recognizes the kernels that are exactly ternary {-alpha, 0, +alpha} or binary {-alpha, +alpha},
// with one alpha for the layer, or (given where its output channels are) one per output channel.
import type { ChannelLayout } from './weight_layer_refs';

export type WeightLevels = 'ternary' | 'binary' | 'float';

export interface KernelLevels {
  levels: WeightLevels;
  /** The scale alpha of ternary and binary kernels (the largest magnitude otherwise). */
  alpha: number;
  /** With a scale per output channel: each channel's alpha (0 for a channel of zeros); absent with one scale for the layer. */
  alphas?: Float32Array;
  zeros: number;
}

/** Each channel's largest magnitude, and whether every non-zero weight has its channel's. */
function channelScales(values: ArrayLike<number>, channels: ChannelLayout): { alphas: Float32Array; levelled: boolean } {
  const alphas = new Float32Array(channels.count);
  const channelOf = (i: number) => Math.floor(i / channels.inner) % channels.count;
  for (let i = 0; i < values.length; i++) alphas[channelOf(i)] = Math.max(alphas[channelOf(i)], Math.abs(values[i]));
  let levelled = true;
  for (let i = 0; i < values.length && levelled; i++) levelled = values[i] === 0 || Math.abs(values[i]) === alphas[channelOf(i)];
  return { alphas, levelled };
}

export function kernelLevels(values: ArrayLike<number>, channels?: ChannelLayout): KernelLevels {
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
  const kind = (levelled: boolean): WeightLevels => (!levelled ? 'float' : zeros ? 'ternary' : 'binary');
  if (levelled || !channels || alpha === 0) return { levels: kind(levelled), alpha, zeros };
  const perChannel = channelScales(values, channels);
  return perChannel.levelled ? { levels: kind(true), alpha, alphas: perChannel.alphas, zeros } : { levels: 'float', alpha, zeros };
}
