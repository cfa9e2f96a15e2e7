// A sweep's run dies with the worker that started it: a worker killed with -9 cannot stop its
// children, and a run left going would write into the same folder as the worker that takes the
// run over. The child (started with SWEEP_PARENT_ENV set) checks every half second that its parent
// is still the process that started it, and ends itself at once if not (its checkpoints are
// atomic: the next attempt resumes from the last one).
export const SWEEP_PARENT_ENV = 'SPARSE_TERNARY_SWEEP_PARENT';

export function watchParent(): void {
  const parent = Number(process.env[SWEEP_PARENT_ENV]);
  if (!parent) return;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 500).unref();
}
