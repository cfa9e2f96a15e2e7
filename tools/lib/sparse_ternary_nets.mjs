// The runtime benchmarks' models: a topology (or an ONNX file's network, imported) with uniformly
// random sparse ternary kernels at a given sparsity (+-0.05) and random BatchNorm statistics and
// biases, seeded.
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@sparse-ternary/base';
import { buildModel } from '@sparse-ternary/models';
import { importOnnx } from '@sparse-ternary/onnx';

export function sparseTernary(name, sparsity) {
  const model = name.endsWith('.onnx') ? importOnnx(name).model : buildModel(name, { seed: 1 });
  const random = seededRandom(7);
  const isKernel = (w) => /kernel/.test(w.name);
  model.setWeights(
    model.weights.map((w) => {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const values = isKernel(w)
        ? Float32Array.from({ length: size }, () => (random() < sparsity ? 0 : random() < 0.5 ? -0.05 : 0.05))
        : Float32Array.from({ length: size }, () => (w.name.includes('variance') ? 0.5 : -0.5) + random());
      return tf.tensor(values, w.shape);
    }),
  );
  return model;
}
