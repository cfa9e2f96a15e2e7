// The activation precision a model computes with, read from the model itself: the bits of its
// quantized activations (@sparse-ternary/engine's QuantizedActivation layers, by their registered
// name: hw-cost does not depend on the engine), or float.
import type * as tfl from '@tensorflow/tfjs-layers';
import { FLOAT_BITS } from './memory';

const QUANTIZED_ACTIVATION = 'SparseTernaryQuantizedActivation';

/** Layers whose outputs are some of their input's values, so they keep its precision. */
const VALUE_PRESERVING = new Set(['MaxPooling1D', 'MaxPooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'Flatten', 'Reshape', 'Permute', 'Dropout', 'ZeroPadding2D', 'SparseTernarySlice']);

/** The widest quantized activation's bits (the datapath's width); FLOAT_BITS when the activations are float. */
export function activationBitsOf(model: tfl.LayersModel): number {
  const bits = model.layers.filter((l) => l.getClassName() === QUANTIZED_ACTIVATION).map((l) => l.getConfig().bits as number);
  return bits.length ? Math.max(...bits) : FLOAT_BITS;
}

/**
 * The bits of the values a layer reads: a quantized activation's, through layers that only move
 * or select values (pooling by max, flatten, padding with zeros); FLOAT_BITS for anything else,
 * the model's input included.
 */
export function inputBitsOf(layer: tfl.layers.Layer): number {
  let source = layer.inboundNodes[0]?.inboundLayers[0];
  while (source && VALUE_PRESERVING.has(source.getClassName())) source = source.inboundNodes[0]?.inboundLayers[0];
  return source?.getClassName() === QUANTIZED_ACTIVATION ? (source.getConfig().bits as number) : FLOAT_BITS;
}
