// Test helper: the first records of the embedded MNIST split, so that tests train in seconds.
import { loadDataset, type LabeledImages } from '@sparse-ternary/datasets';

const first = (set: LabeledImages, count: number): LabeledImages => {
  const pixels = set.imageShape[0] * set.imageShape[1] * set.imageShape[2];
  return { ...set, images: set.images.subarray(0, count * pixels), labels: set.labels.subarray(0, count), count };
};

/** The first `trainCount` training and `testCount` test images of mnist-10k (embedded, never looked up elsewhere). */
export function mnistSubset(trainCount: number, testCount = 0): { train: LabeledImages; test: LabeledImages } {
  const { train, test } = loadDataset('mnist-10k', { env: {}, systemDir: '/nonexistent' });
  return { train: first(train, trainCount), test: first(test, testCount) };
}
