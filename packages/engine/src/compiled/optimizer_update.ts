// The optimizer's update of one weight, in the step's graph: plain SGD, SGD with momentum as
// TF.js's MomentumOptimizer computes it (a = m a + g; w -= rate a, or with Nesterov's look-ahead
// w -= rate (g + m a)), or Adam as the engine's fused Adam computes it. A kernel's gradient (its
// penalty's and its weight decay added) is clipped and masked first, and its updated weights masked again, so pruned
// weights stay exactly zero whatever the optimizer's state does.
//
// Adam's update makes the most passes over the weights of anything in a step (LFC: 2.9 M weights,
// about a third of its operator time), so the learning rate and bias corrections fold into two
// scalars fed each step: w -= rate c1 m / (sqrt(c2 v) + eps) = s m / (sqrt(v) + e) with
// s = rate c1 / sqrt(c2), e = eps / sqrt(c2), c1 = 1 / (1 - beta1^t), c2 = 1 / (1 - beta2^t):
// twelve passes where the textbook form takes fourteen. (Moments kept scaled by 1 / (1 - beta)
// would take ten, but their conversion to TF.js's form for checkpoints is not exact, and a
// resumed run must end with the same weights as an uninterrupted one.)
import { ADAM_DEFAULTS } from '../fused/fused_adam';
import type { StepGraph, StepParameter } from './step_graph';

/**
 * The optimizer and its hyperparameters. `weightDecay` is torch's (g + decay * w, before the
 * optimizer's own state) on the kernels only: weights of rank 2 and up, not BatchNorm's or biases.
 */
export type StepOptimizer = { weightDecay?: number } & (
  | { kind: 'sgd'; learningRate: number }
  | { kind: 'momentum'; learningRate: number; momentum: number; nesterov?: boolean }
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number }
);

/** The state each weight has under each optimizer, named and ordered as TF.js's optimizers save it (getWeights: slot by slot, weight by weight). */
export const OPTIMIZER_SLOTS: Readonly<Record<StepOptimizer['kind'], readonly string[]>> = { sgd: [], momentum: ['momentum'], adam: ['m', 'v'] };

/** The graph input of a weight's slot. */
export const slotInput = (p: { name: string }, slot: string) => `${p.name}/${slot}`;

/** The scalars the updates read, graph inputs fed each step. */
const [LEARNING_RATE, ADAM_RATE, ADAM_EPSILON] = ['learning_rate', 'adam_rate', 'adam_epsilon'];

/** The scalars the updates read, by graph input, for the step numbered `step` (from 1). */
export function updateScalars(optimizer: StepOptimizer, learningRate: number, step: number): Record<string, number> {
  if (optimizer.kind !== 'adam') return { [LEARNING_RATE]: learningRate };
  const { beta1, beta2, epsilon } = { ...ADAM_DEFAULTS, ...optimizer };
  const root = Math.sqrt(1 / (1 - beta2 ** step));
  return { [ADAM_RATE]: learningRate / (1 - beta1 ** step) / root, [ADAM_EPSILON]: epsilon / root };
}

/** The update's graph values: the weight's next value and the optimizer's next state, each with the input it replaces. */
export interface UpdatedValue {
  input: string;
  output: string;
}

export function optimizerUpdate(graph: StepGraph, p: StepParameter, optimizer: StepOptimizer): UpdatedValue[] {
  let g = p.penaltyGradient ? graph.op('Add', [p.grad!, p.penaltyGradient]) : p.grad!;
  if (optimizer.weightDecay && p.dims.length >= 2) g = graph.op('Add', [g, graph.op('Mul', [p.name, graph.scalar(optimizer.weightDecay)])]);
  if (p.clip !== undefined) g = graph.op('Mul', [g, graph.op('Cast', [graph.op('LessOrEqual', [graph.op('Abs', [p.name]), graph.scalar(p.clip)])], { to: 1 })]);
  if (p.mask) g = graph.op('Mul', [g, p.mask]);
  const masked = (value: string) => (p.mask ? graph.op('Mul', [value, p.mask]) : value);
  const slots = OPTIMIZER_SLOTS[optimizer.kind].map((slot) => graph.b.input(slotInput(p, slot), 'float32', p.dims));
  const descend = (step: string) => masked(graph.op('Sub', [p.name, step]));
  const rate = (step: string) => graph.op('Mul', [step, LEARNING_RATE]);
  switch (optimizer.kind) {
    case 'sgd':
      return [{ input: p.name, output: descend(rate(g)) }];
    case 'momentum': {
      const [accumulation] = slots;
      const next = graph.op('Add', [graph.op('Mul', [accumulation, graph.scalar(optimizer.momentum)]), g]);
      return [
        { input: p.name, output: descend(rate(optimizer.nesterov ? graph.op('Add', [g, graph.op('Mul', [next, graph.scalar(optimizer.momentum)])]) : next)) },
        { input: accumulation, output: next },
      ];
    }
    case 'adam': {
      const { beta1, beta2 } = { ...ADAM_DEFAULTS, ...optimizer };
      const [m, v] = slots;
      const m1 = graph.op('Add', [graph.op('Mul', [m, graph.scalar(beta1)]), graph.op('Mul', [g, graph.scalar(1 - beta1)])]);
      const v1 = graph.op('Add', [graph.op('Mul', [v, graph.scalar(beta2)]), graph.op('Mul', [graph.op('Mul', [g, g]), graph.scalar(1 - beta2)])]);
      const denominator = graph.op('Add', [graph.op('Sqrt', [v1]), ADAM_EPSILON]);
      return [
        { input: p.name, output: descend(graph.op('Mul', [graph.op('Div', [m1, denominator]), ADAM_RATE])) },
        { input: m, output: m1 },
        { input: v, output: v1 },
      ];
    }
  }
}
