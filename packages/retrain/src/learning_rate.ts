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

/**
 * One cycle (Smith and Topin; torch.optim.lr_scheduler.OneCycleLR with its defaults): a cosine rise
 * from rate/25 to `rate` over `riseSteps`, then a cosine fall to rate/25e4 at `totalSteps`.
 */
export const oneCycle =
  (rate: number, totalSteps: number, riseSteps: number): LearningRateSchedule =>
  (step) => {
    const [start, end] = [rate / 25, rate / 25e4];
    if (step < riseSteps) return start + ((rate - start) * (1 - Math.cos((Math.PI * step) / riseSteps))) / 2;
    return end + ((rate - end) * (1 + Math.cos((Math.PI * Math.min(step - riseSteps, totalSteps - riseSteps)) / Math.max(totalSteps - riseSteps, 1)))) / 2;
  };

/** The schedules a run's stages take by name (--lr-schedule). */
export const LR_SCHEDULES = ['constant', 'cosine', 'one-cycle', 'step'] as const;
export type LearningRateScheduleName = (typeof LR_SCHEDULES)[number];

/**
 * A schedule by name, laid over each stage once its length is known (train() makes it from the
 * stage's epochs and batches): every stage starts it afresh, so that retraining after pruning
 * gets its own warmup and decay.
 */
export interface StageSchedule {
  schedule: LearningRateScheduleName;
  /** The peak rate. */
  rate: number;
  /** Epochs of linear warmup to the peak (one-cycle: of its cosine rise, 30% of the stage when 0). */
  warmupEpochs?: number;
}

/**
 * `spec`'s rate at each step of a stage of `epochs` epochs of `stepsPerEpoch` steps: constant;
 * cosine to 0 at the stage's end; one-cycle; or step (x0.1 at half and at three quarters of the
 * stage, the CIFAR ResNets' milestones) after the warmup.
 */
export function stageRate(spec: StageSchedule, stepsPerEpoch: number, epochs: number): LearningRateSchedule {
  const total = Math.max(1, stepsPerEpoch * epochs);
  const warmup = Math.min(Math.round((spec.warmupEpochs ?? 0) * stepsPerEpoch), total);
  const after = total - warmup;
  const warmed = (decay: LearningRateSchedule) => {
    const shifted: LearningRateSchedule = (step) => decay(step - warmup);
    return warmup > 0 ? withWarmup(shifted, warmup) : shifted;
  };
  switch (spec.schedule) {
    case 'constant':
      return warmed(constantRate(spec.rate));
    case 'cosine':
      return warmed(cosineDecay(spec.rate, Math.max(after, 1)));
    case 'step':
      return warmed((step) => spec.rate * 0.1 ** ((step >= after / 2 ? 1 : 0) + (step >= (3 * after) / 4 ? 1 : 0)));
    case 'one-cycle':
      return oneCycle(spec.rate, total, warmup > 0 ? warmup : Math.round(0.3 * total));
  }
}
