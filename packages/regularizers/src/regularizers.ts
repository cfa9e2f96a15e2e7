import * as tf from '@tensorflow/tfjs-core';
import type { Regularizer, RegularizedWeight } from './regularizer';
import { toSchedule, type Schedule } from './schedule';

const sumOver = (weights: RegularizedWeight[], term: (r: RegularizedWeight) => tf.Tensor): tf.Scalar =>
  weights.length === 0 ? tf.scalar(0) : (tf.addN(weights.map((r) => tf.sum(term(r)))) as tf.Scalar);

function regularizer(name: string, strength: number | Schedule, term: (r: RegularizedWeight) => tf.Tensor): Regularizer {
  const schedule = toSchedule(strength);
  return {
    name,
    strength: schedule,
    penalty: (weights, step) => tf.tidy(() => tf.mul(schedule(step), sumOver(weights, term)) as tf.Scalar),
  };
}

/** L2 (weight decay): lambda * sum w^2. */
export const l2 = (strength: number | Schedule): Regularizer => regularizer('l2', strength, ({ w }) => tf.square(w));

/** L1: lambda * sum |w|. */
export const l1 = (strength: number | Schedule): Regularizer => regularizer('l1', strength, ({ w }) => tf.abs(w));

/**
 * qtr-deadzone: lambda * sum over the weights with |w| <= Delta_l of |w|. Pulls the weights of the
 * ternary zero bin to exactly zero before pruning. Which weights are in the bin is fixed for the
 * step (read from the values), so the gradient is lambda * sign(w) inside the bin and 0 outside.
 */
export const qtrDeadzone = (strength: number | Schedule): Regularizer =>
  regularizer('qtr-deadzone', strength, ({ w, delta }) => {
    const values = w.dataSync();
    const inBin = tf.tensor(Float32Array.from(values, (v) => (Math.abs(v) <= delta ? 1 : 0)), w.shape);
    return tf.mul(tf.abs(w), inBin);
  });

export interface QtrCostOptions {
  /** tau_l = kappa * Delta_l: the width of the sigmoid step around the threshold (default 0.1). */
  kappa?: number;
}

/**
 * qtr-cost: lambda * sum_l c_l * sum_i sigmoid((|w_i| - Delta_l) / tau_l), tau_l = kappa * Delta_l.
 * A differentiable count of the non-zero ternary weights, each weighted by its layer's hardware
 * cost c_l: it pushes weights near the threshold into the zero bin and leaves large weights alone.
 * Layers with Delta_l = 0 (nothing is zero) contribute nothing.
 */
export const qtrCost = (strength: number | Schedule, options: QtrCostOptions = {}): Regularizer => {
  const kappa = options.kappa ?? 0.1;
  return regularizer('qtr-cost', strength, ({ w, delta, cost }) => {
    if (delta <= 0) return tf.zeros([]);
    const tau = kappa * delta;
    return tf.mul(cost, tf.sigmoid(tf.div(tf.sub(tf.abs(w), delta), tau)));
  });
};

/** The sum of several regularizers' penalties (0 for none). */
export function totalPenalty(regularizers: Regularizer[], weights: RegularizedWeight[], step: number): tf.Scalar {
  return tf.tidy(() => (regularizers.length === 0 ? tf.scalar(0) : (tf.addN(regularizers.map((r) => r.penalty(weights, step))) as tf.Scalar)));
}
