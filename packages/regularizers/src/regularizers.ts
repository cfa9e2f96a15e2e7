import * as tf from '@tensorflow/tfjs-core';
import type { Regularizer, RegularizedWeight, RegularizerRule } from './regularizer';
import { toSchedule, type Schedule } from './schedule';

const sumOver = (weights: RegularizedWeight[], term: (r: RegularizedWeight) => tf.Tensor): tf.Scalar =>
  weights.length === 0 ? tf.scalar(0) : (tf.addN(weights.map((r) => tf.sum(term(r)))) as tf.Scalar);

function regularizer(rule: RegularizerRule, strength: number | Schedule, term: (r: RegularizedWeight) => tf.Tensor, sparsifying = false): Regularizer {
  const schedule = toSchedule(strength);
  return {
    name: rule.kind,
    rule,
    strength: schedule,
    sparsifying,
    penalty: (weights, step) => tf.tidy(() => tf.mul(schedule(step), sumOver(weights, term)) as tf.Scalar),
  };
}

/** L2 (weight decay): lambda * sum w^2. */
export const l2 = (strength: number | Schedule): Regularizer => regularizer({ kind: 'l2' }, strength, ({ w }) => tf.square(w));

/** L1: lambda * sum |w|. */
export const l1 = (strength: number | Schedule): Regularizer => regularizer({ kind: 'l1' }, strength, ({ w }) => tf.abs(w));

/**
 * sum_i term(w_i) as a scalar whose gradient is term'(w_i), both from one pass over the values in
 * JS: `pass` fills the gradient and returns the sum. As TF.js ops, each step of the term would be
 * its own kernel over the whole layer (millions of weights, every training step).
 */
function analyticSum(w: tf.Tensor, pass: (values: ArrayLike<number>, gradient: Float32Array) => number): tf.Scalar {
  const sum = tf.customGrad((x) => {
    const input = x as tf.Tensor;
    const gradient = new Float32Array(input.size);
    const value = pass(input.dataSync() as ArrayLike<number>, gradient);
    return { value: tf.scalar(value), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor(gradient, input.shape)) };
  });
  return sum(w) as tf.Scalar;
}

/** d|w|/dw, 0 at 0 (as TF.js's abs). */
const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);

/**
 * qtr-deadzone: lambda * sum over the weights with |w| <= Delta_l of |w|. Pulls the weights of the
 * ternary zero bin to exactly zero before pruning. Which weights are in the bin is fixed for the
 * step (read from the values), so the gradient is lambda * sign(w) inside the bin and 0 outside.
 */
export const qtrDeadzone = (strength: number | Schedule): Regularizer =>
  regularizer({ kind: 'qtr-deadzone' }, strength, ({ w, delta }) =>
    analyticSum(w, (values, gradient) => {
      let sum = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (Math.abs(v) > delta) continue;
        sum += Math.abs(v);
        gradient[i] = sign(v);
      }
      return sum;
    }),
    true,
  );

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
  return regularizer({ kind: 'qtr-cost', kappa }, strength, ({ w, delta, cost }) => {
    if (delta <= 0) return tf.zeros([]);
    const tau = kappa * delta;
    // d/dw c * sigmoid((|w| - Delta) / tau) = c * s (1 - s) / tau * sign(w), sign +1 at 0 as the
    // quantizers take it (a subgradient; the compiled step has that sign already).
    return analyticSum(w, (values, gradient) => {
      let sum = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const s = 1 / (1 + Math.exp((delta - Math.abs(v)) / tau));
        sum += s;
        gradient[i] = ((cost * s * (1 - s)) / tau) * (v >= 0 ? 1 : -1);
      }
      return cost * sum;
    });
  }, true);
};

/** The sum of several regularizers' penalties (0 for none). */
export function totalPenalty(regularizers: Regularizer[], weights: RegularizedWeight[], step: number): tf.Scalar {
  return tf.tidy(() => (regularizers.length === 0 ? tf.scalar(0) : (tf.addN(regularizers.map((r) => r.penalty(weights, step))) as tf.Scalar)));
}
