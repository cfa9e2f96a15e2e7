import type * as tf from '@tensorflow/tfjs-core';
import type { Schedule } from './schedule';

/** One layer's float weights as a regularizer sees them. */
export interface RegularizedWeight {
  name: string;
  /** The float (shadow) weights; gradients of the penalty flow to them. */
  w: tf.Tensor;
  /** The layer's ternary threshold Delta_l this step (held constant within a step). */
  delta: number;
  /** The hardware cost of one non-zero weight of this layer, c_l (1 until hw-cost provides it). */
  cost: number;
}

/**
 * What a regularizer's term is, as data, for code that writes it elsewhere (a compiled training
 * step's graph): lambda times the sum over a layer of w^2 (l2), |w| (l1), |w| inside the zero bin
 * (qtr-deadzone), or c_l * sigmoid((|w| - Delta_l) / (kappa * Delta_l)) (qtr-cost).
 */
export type RegularizerRule = { kind: 'l2' } | { kind: 'l1' } | { kind: 'qtr-deadzone' } | { kind: 'qtr-cost'; kappa: number };

/** A scalar penalty on float weights, differentiable by TF.js autodiff, with a name and a strength. */
export interface Regularizer {
  readonly name: string;
  readonly rule: RegularizerRule;
  readonly strength: Schedule;
  /**
   * Drives weights into the ternary zero bin (the QTR family): it belongs to the stage that finds
   * the sparsity and to no other (retraining with a fixed mask, the baselines).
   */
  readonly sparsifying: boolean;
  /** The penalty at `step`, strength included. */
  penalty(weights: RegularizedWeight[], step: number): tf.Scalar;
}
