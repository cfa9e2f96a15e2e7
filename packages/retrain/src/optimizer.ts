import * as tf from '@tensorflow/tfjs-core';
import { adam } from '@sparse-ternary/engine';

/** Adam (the engine's fused one), SGD, and SGD with momentum. */
export const OPTIMIZERS = ['adam', 'sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** An optimizer whose learning rate a schedule sets before every step. */
export interface SchedulableOptimizer extends tf.Optimizer {
  setLearningRate(rate: number): void;
}

/** tf's MomentumOptimizer.dispose releases its moments but not the learning-rate scalar its SGD base holds. */
class MomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

/** SGD, SGD with momentum (0.9 by default), or the engine's fused Adam. */
export function makeOptimizer(name: OptimizerName, learningRate: number, momentum = 0.9): SchedulableOptimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return new MomentumOptimizer(learningRate, momentum) as unknown as SchedulableOptimizer;
    case 'adam':
      return adam(learningRate);
    default:
      throw new Error(`unknown optimizer '${name as string}': expected sgd, momentum or adam`);
  }
}
