import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A new, unconnected layer of the same class and configuration as `layer`, with `changes` applied. */
export function copyLayer(layer: tfl.layers.Layer, changes: Record<string, unknown> = {}): tfl.layers.Layer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  return fromConfig(cls, { ...layer.getConfig(), ...changes } as tf.serialization.ConfigDict) as tfl.layers.Layer;
}
