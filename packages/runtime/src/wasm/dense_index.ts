// How a ternary dense layer's indices are stored for the kernels, one encoding for both plans: the
// byte address of the input feature in the one-sample plan's input buffer, which `gather` loads
// directly (no arithmetic per non-zero: 0.31 against 0.44 ns per non-zero with an offset and a
// shift). The batch plan keeps 16 samples per feature (one 64-byte row), so its runs read
// index << 4 from a base moved to match.
export const BATCH = 16;
export const BATCH_INDEX_SHIFT = 4;

/** The encoding of a dense layer whose one-sample input is at byte `input`. */
export const featureAddress =
  (input: number) =>
  (feature: number): number =>
    input + 4 * feature;

/** What the batch plan's runs add to index << 4 to reach feature rows of its activations at `batchInput` (wrapping, as WebAssembly's i32 adds do). */
export const batchBase = (batchInput: number, sampleInput: number): number => (batchInput - (sampleInput << BATCH_INDEX_SHIFT)) | 0;
