/** A regularizer's strength as a function of the training step. */
export type Schedule = (step: number) => number;

export const constant =
  (lambda: number): Schedule =>
  () =>
    lambda;

/** Rises linearly from 0 at step 0 to `lambda` at `warmupSteps`, then stays there. */
export const linearWarmup =
  (lambda: number, warmupSteps: number): Schedule =>
  (step) =>
    warmupSteps <= 0 ? lambda : lambda * Math.min(1, step / warmupSteps);

export const toSchedule = (strength: number | Schedule): Schedule => (typeof strength === 'number' ? constant(strength) : strength);
