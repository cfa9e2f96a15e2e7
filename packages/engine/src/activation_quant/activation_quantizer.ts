// The two faces every activation quantizer has: its TF.js form (a value with a straight-through
// gradient, for the kernel-by-kernel path and inference) and its graph form (the compiled step's
// forward and backward ops). Both live in the quantizer's own module; the registry's type makes a
// quantizer without either face a compile error.
import type * as tf from '@tensorflow/tfjs-core';
import type { StepGraph } from '../compiled/step_graph';
import type { ActivationQuantization } from './activation_quantization';

/** A quantizer's graph form: its output, and the gradients its backward pass writes. */
export interface QuantizedGraphValue {
  value: string;
  /** From the output's gradient: the input's, and the clip's (a scalar) when the quantizer has one. */
  backward(gradient: string): { input: string; clip?: string };
}

export interface ActivationQuantizer {
  /** Whether its output depends on the clip (binary's does not). */
  clipped: boolean;
  /** x quantized, its gradients (to x and to `clip`) passing straight through where the quantizer says. */
  apply(x: tf.Tensor, clip: tf.Scalar, q: ActivationQuantization): tf.Tensor;
  /** The same in a step's graph: `x` and `clip` (a scalar; none when not `clipped`) are graph values. */
  write(graph: StepGraph, x: string, clip: string | undefined, q: ActivationQuantization): QuantizedGraphValue;
}
