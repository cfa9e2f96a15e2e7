// How a command turns images into the model's input: the pixel normalization (--scale, --mean,
// --std) and, for a folder of images, the size they are resized to (--input-size, else the model's).
import { parseImageSize, type PixelScaling, type SourceOptions } from '@sparse-ternary/datasets';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from './errors';

export interface ImageOptions {
  scale?: 'unit' | 'symmetric';
  /** A preset name or comma-separated per-channel values, in [0, 1] pixel units. */
  mean?: string;
  std?: string;
  /** 'n' or 'height,width'. */
  inputSize?: string;
}

/** torchvision's ImageNet statistics, and the identity ([0, 1] pixels). */
export const MEAN_STD_PRESETS: Record<string, { mean: number[]; std: number[] }> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  unit: { mean: [0, 0, 0], std: [1, 1, 1] },
};

const presetNames = Object.keys(MEAN_STD_PRESETS).join(', ');

/** A preset's values or a list of numbers; throws InvalidArgumentError. */
function channelValues(value: string, which: 'mean' | 'std'): number[] {
  const preset = MEAN_STD_PRESETS[value];
  if (preset) return preset[which];
  const values = value.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  const valid = values.every((v) => Number.isFinite(v) && (which === 'mean' || v > 0));
  if (!valid) throw new InvalidArgumentError(`expected ${presetNames} or comma-separated ${which === 'std' ? 'positive ' : ''}numbers, one per channel`);
  return values;
}

function parseInputSize(value: string): [number, number] {
  try {
    return parseImageSize(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Checks a value and keeps it as written (the string is what configurations record). */
const keep = (parse: (v: string) => unknown) => (value: string) => {
  parse(value);
  return value;
};

/** The checks of the image options' values, for flags and config files alike. */
export const IMAGE_OPTION_PARSERS: Record<'mean' | 'std' | 'inputSize', (v: string) => string> = {
  mean: keep((v) => channelValues(v, 'mean')),
  std: keep((v) => channelValues(v, 'std')),
  inputSize: keep(parseInputSize),
};

export function addImageOptions(command: Command): Command {
  return command
    .option('--scale <scaling>', 'pixel scaling without --mean/--std: unit ([0, 1]) or symmetric ([-1, 1]) (default unit)', keep((v) => {
      if (v !== 'unit' && v !== 'symmetric') throw new InvalidArgumentError('expected one of unit, symmetric');
    }))
    .option('--mean <preset|values>', `normalize (x/255 - mean) / std per channel: ${presetNames}, or r,g,b`, IMAGE_OPTION_PARSERS.mean)
    .option('--std <preset|values>', `with --mean: ${presetNames}, or r,g,b (default: the --mean preset's, else 1)`, IMAGE_OPTION_PARSERS.std)
    .option('--input-size <n|h,w>', "for a folder of images: resize (shorter side) and centre-crop to this size (default: the model's input size)", IMAGE_OPTION_PARSERS.inputSize);
}

/** The pixel scaling for images of `channels` channels; --mean/--std override --scale. */
export function pixelScaling(options: ImageOptions, channels: number): PixelScaling {
  if (options.mean === undefined && options.std === undefined) return options.scale ?? 'unit';
  const fit = (values: number[], flag: string) => {
    if (values.length === channels) return values;
    if (values.length === 3 && channels === 1) return [values.reduce((a, b) => a + b) / 3]; // grey images under an RGB preset
    throw new UsageError(`--${flag} has ${values.length} values; the images have ${channels} channel${channels > 1 ? 's' : ''}`);
  };
  const mean = channelValues(options.mean ?? (MEAN_STD_PRESETS[options.std!] ? options.std! : 'unit'), 'mean');
  const std = channelValues(options.std ?? (MEAN_STD_PRESETS[options.mean!] ? options.mean! : 'unit'), 'std');
  return { mean: fit(mean, 'mean'), std: fit(std, 'std') };
}

/** How a folder of images is read for `model`: --input-size or the model's, and the model's channels where it takes 1 or 3. */
export function imageSource(options: ImageOptions, model: tfl.LayersModel): SourceOptions {
  const [, height, width, channels] = model.inputs[0].shape;
  const size = options.inputSize ? parseInputSize(options.inputSize) : height && width ? ([height, width] as [number, number]) : undefined;
  return { size, channels: channels === 1 || channels === 3 ? channels : undefined };
}
