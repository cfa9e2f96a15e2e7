// A layer's weight by its short name (kernel, bias, gamma, ...), whatever suffix TF.js gave it.
import type * as tfl from '@tensorflow/tfjs-layers';

export const weightOf = (layer: tfl.layers.Layer, name: string): tfl.LayerVariable | undefined =>
  layer.weights.find((w) => w.originalName.split('/').pop()!.replace(/_\d+$/, '') === name);
