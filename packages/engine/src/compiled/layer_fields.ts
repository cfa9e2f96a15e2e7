// What the compilers read from a TF.js layer: a weight by its short name (kernel, bias, gamma, ...,
// whatever suffix TF.js gave it) and a size option given as one number or two.
import type * as tfl from '@tensorflow/tfjs-layers';

export const weightOf = (layer: tfl.layers.Layer, name: string): tfl.LayerVariable | undefined =>
  layer.weights.find((w) => w.originalName.split('/').pop()!.replace(/_\d+$/, '') === name);

/** A kernel size, stride or dilation: [rows, columns]. */
export const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);
