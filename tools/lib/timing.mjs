// Timing for the benchmarks, in Node and in the browser page: the median of repeated runs after warm-up ones.

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median time of `repeat` runs of `fn` (awaited), in ms, after `warmup` runs. */
export async function time(fn, repeat, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}
