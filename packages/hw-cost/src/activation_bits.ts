// The activation precision a model computes with, read from the model itself: the bits of its
// quantized activations (@sparse-ternary/engine's QuantizedActivation layers, by their registered
// name: hw-cost does not depend on the engine), or float.
import type * as tfl from '@tensorflow/tfjs-layers';
import { FLOAT_BITS } from './memory';

const QUANTIZED_ACTIVATION = 'SparseTernaryQuantizedActivation';

/** The widest quantized activation's bits (the datapath's width); FLOAT_BITS when the activations are float. */
export function activationBitsOf(model: tfl.LayersModel): number {
  const bits = model.layers.filter((l) => l.getClassName() === QUANTIZED_ACTIVATION).map((l) => l.getConfig().bits as number);
  return bits.length ? Math.max(...bits) : FLOAT_BITS;
}
