// Per-channel pixel normalization, (x/255 - mean[c]) / std[c]: presets or values per channel.
import type { PixelScaling } from '@sparse-ternary/datasets';
import { OptionError } from './option_table';

/** torchvision's ImageNet statistics, CIFAR-10's training set's (the values its published recipes use), and the identity ([0, 1] pixels). */
export const MEAN_STD_PRESETS: Readonly<Record<string, { mean: number[]; std: number[] }>> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  unit: { mean: [0, 0, 0], std: [1, 1, 1] },
};

export const PRESET_NAMES = Object.keys(MEAN_STD_PRESETS).join(', ');

/** A preset's values or a comma-separated list of numbers (standard deviations positive). */
export function channelValues(value: string, which: 'mean' | 'std'): number[] {
  const preset = MEAN_STD_PRESETS[value];
  if (preset) return preset[which];
  const values = value.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  const valid = values.every((v) => Number.isFinite(v) && (which === 'mean' || v > 0));
  if (!valid) throw new Error(`expected ${PRESET_NAMES} or comma-separated ${which === 'std' ? 'positive ' : ''}numbers, one per channel`);
  return values;
}

export interface PixelOptions {
  scale: 'unit' | 'symmetric';
  mean?: string;
  std?: string;
}

/** The pixel scaling of images with `channels` channels; a mean or std overrides the scale. */
export function pixelScaling(options: PixelOptions, channels: number): PixelScaling {
  if (options.mean === undefined && options.std === undefined) return options.scale;
  const fit = (values: number[], which: 'mean' | 'std') => {
    if (values.length === channels) return values;
    if (values.length === 3 && channels === 1) return [values.reduce((a, b) => a + b) / 3]; // grey images under an RGB preset
    throw new OptionError(which, `${which} has ${values.length} values; the images have ${channels} channel${channels > 1 ? 's' : ''}`);
  };
  // A preset given for one of the two stands for both.
  const mean = channelValues(options.mean ?? (MEAN_STD_PRESETS[options.std!] ? options.std! : 'unit'), 'mean');
  const std = channelValues(options.std ?? (MEAN_STD_PRESETS[options.mean!] ? options.mean! : 'unit'), 'std');
  return { mean: fit(mean, 'mean'), std: fit(std, 'std') };
}
