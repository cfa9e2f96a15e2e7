/** One-hot labels smoothed as torch's label_smoothing: (1 - e) y + e / classes, in place. */
export function smoothLabels(y: Float32Array, classes: number, epsilon: number): Float32Array {
  if (epsilon === 0) return y;
  for (let i = 0; i < y.length; i++) y[i] = y[i] * (1 - epsilon) + epsilon / classes;
  return y;
}
