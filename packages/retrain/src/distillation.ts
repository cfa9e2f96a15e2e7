// Knowledge distillation (Hinton et al. 2015) from the float model a run starts from: its class
// probabilities at temperature T on each training batch (the same crops and flips the student
// sees), from a snapshot of its weights run as one onnxruntime graph; the student's loss mixes
// the labels' cross-entropy with T^2 KL(teacher || student at T), compiled (the engine's
// step_loss.ts) or kernel by kernel (distilledLoss), with the same value and gradient.
import { compileForward, type Distillation, type ForwardSession } from '@sparse-ternary/engine';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Loss, TrainingHead } from './training_head';

export type { Distillation };

/** The model distilled from: its probabilities at a temperature on a batch (channels-last images, as the model takes them). */
export interface Teacher {
  probabilities(x: Float32Array, temperature: number): Float32Array;
  dispose(): void;
}

/** softmax(logits / T) row by row, in place. */
export function temperedSoftmax(logits: Float32Array, classes: number, temperature: number): Float32Array {
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k] / temperature);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += logits[row + k] = Math.exp(logits[row + k] / temperature - max);
    for (let k = 0; k < classes; k++) logits[row + k] /= sum;
  }
  return logits;
}

/** A teacher from the model as it is now (later training does not change it); a CompileError for layers the inference graph does not take. */
export function teacherOf(model: tfl.LayersModel, options: { threads?: number } = {}): Teacher {
  const forward: ForwardSession = compileForward(model, options);
  return {
    probabilities: (x, temperature) => temperedSoftmax(forward.logits(x), forward.classes, temperature),
    dispose: () => forward.dispose(),
  };
}

/** What a distilled step needs: T, the teacher's weight a, and the teacher. */
export interface DistillationOptions extends Distillation {
  teacher: Teacher;
}

/**
 * The kernel-by-kernel form of the distilled loss on one batch whose teacher probabilities are
 * `teacher`: (1 - a) times the head's loss plus a T^2 KL(teacher || softmax(s / T)), s the logits
 * (from probabilities: their logarithm, the logits less a constant per row).
 */
export function distilledLoss(head: TrainingHead, { temperature: t, weight: a }: Distillation, teacher: tf.Tensor): Loss {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const logits = head.output === 'logits' ? yPred : tf.log(tf.clipByValue(yPred, 1e-7, 1));
      const logStudent = tf.logSoftmax(tf.div(logits, t));
      const qLogQ = tf.where(tf.greater(teacher, 0), tf.mul(teacher, tf.log(teacher)), tf.zerosLike(teacher));
      const kl = tf.mean(tf.sum(tf.sub(qLogQ, tf.mul(teacher, logStudent)), -1));
      return tf.add(tf.mul(head.loss(yTrue, yPred), 1 - a), tf.mul(kl, a * t * t)) as tf.Scalar;
    });
}
