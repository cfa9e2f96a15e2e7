import { batchesPerRun, RUN_BYTES } from './run_batches';

test("a run takes the step's stepsPerRun batches while their images fit in RUN_BYTES, one at least", () => {
  expect(RUN_BYTES).toBe(64 * 1024 * 1024);
  // LFC's MNIST batches of 100: 313,600 bytes each.
  expect(batchesPerRun(8, 100, [28, 28, 1])).toBe(8);
  // ImageNet batches of 32 at 224x224: 19,267,584 bytes each, three fit.
  expect(batchesPerRun(8, 32, [224, 224, 3])).toBe(3);
  // Of 128: 77 MB, alone.
  expect(batchesPerRun(8, 128, [224, 224, 3])).toBe(1);
  expect(batchesPerRun(1, 100, [28, 28, 1])).toBe(1);
});
