// Timing for the benchmarks, in Node and in the browser page: the median of repeated samples after
// warm-up runs. A sample times enough runs to last about a millisecond and divides: a coarse clock
// (5 µs steps in a cross-origin isolated page) would otherwise quantize a 0.06 ms run by 8%.

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median time of one run of `fn` (awaited), in ms, over `repeat` samples, after `warmup` runs. */
export async function time(fn, repeat, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const first = performance.now();
  await fn();
  const runs = Math.max(1, Math.ceil(1 / Math.max(performance.now() - first, 0.005)));
  const samples = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    for (let r = 0; r < runs; r++) await fn();
    samples.push((performance.now() - start) / runs);
  }
  return median(samples);
}
