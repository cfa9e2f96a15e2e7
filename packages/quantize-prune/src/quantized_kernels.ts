import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Masks } from './masks';
import type { Quantizer } from './quantizer';
import { quantizedLayers, type LayerPolicy, type QuantizedLayerRef } from './quantized_layers';

/** A kernel while it holds q(W): the layer, and the scale and threshold of its quantization. */
export interface KernelQuantization {
  ref: QuantizedLayerRef;
  alpha: number;
  delta: number;
}

/**
 * Runs `body` with q(W) written into every quantized (not 'float') kernel of the model, then
 * writes the float weights W back, also when `body` throws.
 */
export function withQuantizedKernels<T>(
  model: tfl.LayersModel,
  quantizer: Quantizer,
  options: { masks?: Masks; policy?: LayerPolicy },
  body: (kernels: KernelQuantization[]) => T,
): T {
  const refs = quantizedLayers(model, options.policy).filter((t) => t.treatment !== 'float');
  const shadows = refs.map((t) => tf.clone(t.kernel.read()));
  try {
    const kernels = refs.map((ref, i) => {
      const { q, alpha, delta } = quantizer.quantize(shadows[i], options.masks?.get(ref.name), ref.channels);
      ref.kernel.write(q);
      q.dispose();
      return { ref, alpha, delta };
    });
    return body(kernels);
  } finally {
    refs.forEach((t, i) => t.kernel.write(shadows[i]));
    tf.dispose(shadows);
  }
}
