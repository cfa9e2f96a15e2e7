/**
 * The k-th smallest value (k from 1) of `values`, reordering them in place: Hoare's quickselect,
 * O(n) on average. The quantizers need one such order statistic per layer at every training step,
 * where sorting a million magnitudes would cost ten times more.
 */
export function kthSmallest(values: Float32Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 1 && k <= values.length)) throw new Error(`k must be an integer in 1..${values.length}, got ${k}`);
  const target = k - 1;
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    // [lo, j] <= pivot <= [i, hi]; between them, values equal to the pivot.
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target];
  }
  return values[target];
}
