/** Softmax of `input` into `output` (the same array may be both), shifted by the maximum for range. */
export function softmax(input: Float32Array, output: Float32Array): void {
  let top = -Infinity;
  for (let i = 0; i < input.length; i++) top = Math.max(top, input[i]);
  let total = 0;
  for (let i = 0; i < input.length; i++) total += output[i] = Math.exp(input[i] - top);
  for (let i = 0; i < input.length; i++) output[i] /= total;
}
