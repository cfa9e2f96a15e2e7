// Where a run's time goes: each operation's median time over repeated runs.

export interface OperationTime {
  operation: string;
  ms: number;
}

/** A function that runs `work` as operation `index` of a run. */
export type Timed = (index: number, work: () => void) => void;

/** Each of `names`' median time over `repeat` runs; `runOnce` does one run, each operation through `timed`. */
export function medianTimes(names: string[], repeat: number, runOnce: (timed: Timed) => void): OperationTime[] {
  const times = names.map(() => [] as number[]);
  const timed: Timed = (index, work) => {
    const start = performance.now();
    work();
    times[index].push(performance.now() - start);
  };
  for (let r = 0; r < repeat; r++) runOnce(timed);
  return names.map((operation, i) => ({ operation, ms: times[i].sort((a, b) => a - b)[Math.floor(repeat / 2)] }));
}
