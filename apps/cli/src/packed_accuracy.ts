// Test accuracy of a packed model (model.stpack) run by @sparse-ternary/runtime: the images as the
// model takes them (the run's pixel scaling), a chunk at a time so memory stays small; with 'flip'
// test-time augmentation, the mean output on each image and its mirror image.
import { gather, toTensors, type LabeledImages, type PixelScaling } from '@sparse-ternary/datasets';
import type { TestTimeAugmentation } from '@sparse-ternary/retrain';
import type { SparseTernaryModel } from '@sparse-ternary/runtime';
import * as tf from '@tensorflow/tfjs-core';

const CHUNK = 256;

export function packedAccuracy(model: SparseTernaryModel, set: LabeledImages, scale: PixelScaling, tta: TestTimeAugmentation = 'none'): number {
  let correct = 0;
  for (let start = 0; start < set.count; start += CHUNK) {
    const count = Math.min(CHUNK, set.count - start);
    const { x, y } = toTensors(gather(set, Array.from({ length: count }, (_, i) => start + i)), { scale, labels: 'int' });
    const outputs = model.predict(x.dataSync() as Float32Array, count);
    if (tta === 'flip') {
      const mirrored = tf.tidy(() => tf.reverse(x, 2).dataSync() as Float32Array);
      model.predict(mirrored, count).forEach((v, i) => (outputs[i] = (outputs[i] + v) / 2));
    }
    const labels = y.dataSync();
    x.dispose();
    y.dispose();
    for (let n = 0; n < count; n++) {
      const row = outputs.subarray(n * model.outputSize, (n + 1) * model.outputSize);
      if (row.indexOf(Math.max(...row)) === labels[n]) correct++;
    }
  }
  return correct / set.count;
}
