import * as tf from '@tensorflow/tfjs-core';
import { adam } from '@sparse-ternary/engine';

/** Adam (the engine's fused one), SGD, SGD with momentum, and SGD with Nesterov momentum (torch's SGD(nesterov=True)). */
export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'nesterov'] as const;
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

/** SGD, SGD with momentum (0.9 by default) or Nesterov momentum, or the engine's fused Adam. */
export function makeOptimizer(name: OptimizerName, learningRate: number, momentum = 0.9): SchedulableOptimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
    case 'nesterov':
      return new MomentumOptimizer(learningRate, momentum, name === 'nesterov') as unknown as SchedulableOptimizer;
    case 'adam':
      return adam(learningRate);
    default:
      throw new Error(`unknown optimizer '${name as string}': expected ${OPTIMIZERS.join(', ')}`);
  }
}
