// The loss a training step minimizes, written into its graph with its gradient with respect to the
// logits s: softmax cross-entropy against the labels y (one-hot, or smoothed: any distribution),
//   L = -sum(y log softmax(s)) / N,                         dL/ds = (softmax(s) - y) / N,
// and with distillation (Hinton et al. 2015) from a teacher's probabilities q at temperature T,
//   L = (1 - a) CE + a T^2 KL(q || softmax(s / T)),        dL/ds = (1 - a)(softmax(s) - y) / N + a T (softmax(s / T) - q) / N.
import type { StepGraph } from './step_graph';

/** Distillation's temperature T and weight a of the teacher's term (0..1). */
export interface Distillation {
  temperature: number;
  weight: number;
}

/** The graph input of the teacher's probabilities at temperature T, [N, classes], fed with each batch. */
export const TEACHER_INPUT = 'teacher';

/** The step's loss and its gradient with respect to `logits`, from the labels `y` (and the teacher's probabilities, when distilling). */
export function writeLoss(graph: StepGraph, logits: string, y: string, classes: number, distillation?: Distillation): { loss: string; gradient: string } {
  const op = graph.op.bind(graph);
  const batch = op('Cast', [op('Gather', [op('Shape', [y]), graph.ints([0])])], { to: 1 });
  const perSample = (value: string) => op('Div', [value, batch]);
  const logp = op('LogSoftmax', [logits], { axis: 1 });
  const crossEntropy = perSample(op('Neg', [op('ReduceSum', [op('Mul', [y, logp])], { keepdims: 0 })]));
  const crossEntropyGradient = perSample(op('Sub', [op('Exp', [logp]), y]));
  if (!distillation) return { loss: crossEntropy, gradient: crossEntropyGradient };
  const { temperature: t, weight: a } = distillation;
  const q = graph.b.input(TEACHER_INPUT, 'float32', ['N', classes]);
  const logpT = op('LogSoftmax', [op('Mul', [logits, graph.scalar(1 / t)])], { axis: 1 });
  // KL(q || p_T) = sum q (log q - log p_T), with 0 log 0 = 0.
  const qLogQ = op('Where', [op('Greater', [q, graph.scalar(0)]), op('Mul', [q, op('Log', [q])]), graph.scalar(0)]);
  const kl = perSample(op('ReduceSum', [op('Sub', [qLogQ, op('Mul', [q, logpT])])], { keepdims: 0 }));
  const scaled = (value: string, factor: number) => op('Mul', [value, graph.scalar(factor)]);
  return {
    loss: op('Add', [scaled(crossEntropy, 1 - a), scaled(kl, a * t * t)]),
    gradient: op('Add', [scaled(crossEntropyGradient, 1 - a), scaled(perSample(op('Sub', [op('Exp', [logpT]), q])), a * t)]),
  };
}
