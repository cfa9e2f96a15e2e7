import { constant, type Schedule } from '@sparse-ternary/regularizers';

/** The learning rate at a (0-based) optimizer step: a schedule like the regularizers' strengths. */
export type LearningRateSchedule = Schedule;

export const constantRate = constant;

/** Multiplies the rate by `gamma` every `every` steps. */
export const stepDecay =
  (rate: number, every: number, gamma = 0.1): LearningRateSchedule =>
  (step) =>
    rate * gamma ** Math.floor(step / every);

/** Cosine decay from `rate` to `minRate` over `totalSteps`, then `minRate`. */
export const cosineDecay =
  (rate: number, totalSteps: number, minRate = 0): LearningRateSchedule =>
  (step) =>
    minRate + ((rate - minRate) * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps))) / 2;

/** Ramps linearly from rate/warmupSteps at step 0 to the schedule's value at `warmupSteps`. */
export const withWarmup =
  (schedule: LearningRateSchedule, warmupSteps: number): LearningRateSchedule =>
  (step) =>
    step < warmupSteps ? (schedule(warmupSteps) * (step + 1)) / warmupSteps : schedule(step);
