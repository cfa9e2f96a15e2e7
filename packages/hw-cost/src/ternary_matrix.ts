// A layer's weights as a ternary matrix in one canonical order: a row per output channel, a
// column per input the output reads (its fan-in), row-major. Every encoding works on this.

export interface TernaryMatrix {
  rows: number;
  cols: number;
  /** -1, 0 or +1, row-major. */
  values: Int8Array;
}

export function nonZeros(m: TernaryMatrix): number {
  let count = 0;
  for (let i = 0; i < m.values.length; i++) if (m.values[i] !== 0) count++;
  return count;
}

/** Calls `visit` for each non-zero in row-major order with the run of zeros before it. */
export function forEachNonZero(m: TernaryMatrix, visit: (run: number, value: number) => void): void {
  let run = 0;
  const values = m.values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0) run++;
    else {
      visit(run, v);
      run = 0;
    }
  }
}

/** The lengths of the runs of zeros before each non-zero, in row-major order. */
export function zeroRuns(m: TernaryMatrix): number[] {
  const runs: number[] = [];
  forEachNonZero(m, (run) => runs.push(run));
  return runs;
}

/** Signs of the weights (zero stays zero): the ternary pattern of a kernel, whatever its alpha. */
export function signs(values: ArrayLike<number>): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] > 0 ? 1 : values[i] < 0 ? -1 : 0;
  return out;
}
