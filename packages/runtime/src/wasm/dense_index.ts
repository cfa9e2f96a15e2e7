// How a dense layer's indices are stored for the kernels, one encoding for both plans: the byte
// offset of the input feature's row in the batch plan's activations (16 samples per feature).
// The one-sample plan reads the same indices shifted right by 4 bits: feature * 4 bytes.
export const BATCH = 16;
export const DENSE_INDEX_SHIFT = 4;
export const denseIndexBytes = (feature: number): number => feature * BATCH * 4;
