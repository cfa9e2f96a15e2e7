// How many batches one compiled run takes: the step's stepsPerRun, as many as RUN_BYTES of images
// hold, one at least. A run holds its batches' images at once (stacked for onnxruntime), so a large
// batch of large images runs alone rather than eight of them taking gigabytes.

/** At most this many bytes of images go into one compiled run: a few CIFAR batches, one large ImageNet batch. */
export const RUN_BYTES = 64 * 2 ** 20;

/** Batches of `batchSize` float32 images of `imageShape` for one run of a step that takes up to `stepsPerRun`. */
export function batchesPerRun(stepsPerRun: number, batchSize: number, imageShape: readonly number[]): number {
  const batchBytes = batchSize * imageShape.reduce((a, b) => a * b, 1) * Float32Array.BYTES_PER_ELEMENT;
  return Math.max(1, Math.min(stepsPerRun, Math.floor(RUN_BYTES / batchBytes)));
}
