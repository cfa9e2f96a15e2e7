// The optimizer's update of one weight, in the step's graph: plain SGD, SGD with momentum as
// TF.js's MomentumOptimizer computes it (a = m a + g; w -= rate a, or with Nesterov's look-ahead
// w -= rate (g + m a)), or Adam as the engine's fused
// Adam computes it (the learning rate and the bias corrections c1 = 1 / (1 - beta1^t) and
// c2 = 1 / (1 - beta2^t) fed each step). A kernel's gradient (its penalty's added) is clipped and
// masked first, and its updated weights masked again, so pruned weights stay exactly zero whatever
// the optimizer's state does.
import { ADAM_DEFAULTS } from '../fused/fused_adam';
import type { StepGraph, StepParameter } from './step_graph';

export type StepOptimizer =
  | { kind: 'sgd'; learningRate: number }
  | { kind: 'momentum'; learningRate: number; momentum: number; nesterov?: boolean }
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

/** The state each weight has under each optimizer, named and ordered as TF.js's optimizers save it (getWeights: slot by slot, weight by weight). */
export const OPTIMIZER_SLOTS: Readonly<Record<StepOptimizer['kind'], readonly string[]>> = { sgd: [], momentum: ['momentum'], adam: ['m', 'v'] };

/** The graph input of a weight's slot. */
export const slotInput = (p: { name: string }, slot: string) => `${p.name}/${slot}`;

/** The update's graph values: the weight's next value and the optimizer's next state, each with the input it replaces. */
export interface UpdatedValue {
  input: string;
  output: string;
}

/** The inputs the updates read, fed each step. */
export const LEARNING_RATE = 'learning_rate';
export const ADAM_CORRECTIONS = ['adam_c1', 'adam_c2'] as const;

export function optimizerUpdate(graph: StepGraph, p: StepParameter, optimizer: StepOptimizer): UpdatedValue[] {
  const rate = LEARNING_RATE;
  let g = p.penaltyGradient ? graph.op('Add', [p.grad!, p.penaltyGradient]) : p.grad!;
  if (p.clip !== undefined) g = graph.op('Mul', [g, graph.op('Cast', [graph.op('LessOrEqual', [graph.op('Abs', [p.name]), graph.scalar(p.clip)])], { to: 1 })]);
  if (p.mask) g = graph.op('Mul', [g, p.mask]);
  const masked = (value: string) => (p.mask ? graph.op('Mul', [value, p.mask]) : value);
  const slots = OPTIMIZER_SLOTS[optimizer.kind].map((slot) => graph.b.input(slotInput(p, slot), 'float32', p.dims));
  const descend = (step: string) => masked(graph.op('Sub', [p.name, graph.op('Mul', [step, rate])]));
  switch (optimizer.kind) {
    case 'sgd':
      return [{ input: p.name, output: descend(g) }];
    case 'momentum': {
      const [accumulation] = slots;
      const next = graph.op('Add', [graph.op('Mul', [accumulation, graph.scalar(optimizer.momentum)]), g]);
      return [
        { input: p.name, output: descend(optimizer.nesterov ? graph.op('Add', [g, graph.op('Mul', [next, graph.scalar(optimizer.momentum)])]) : next) },
        { input: accumulation, output: next },
      ];
    }
    case 'adam': {
      const { beta1, beta2, epsilon } = { ...ADAM_DEFAULTS, ...optimizer };
      const [m, v] = slots;
      const m1 = graph.op('Add', [graph.op('Mul', [m, graph.scalar(beta1)]), graph.op('Mul', [g, graph.scalar(1 - beta1)])]);
      const v1 = graph.op('Add', [graph.op('Mul', [v, graph.scalar(beta2)]), graph.op('Mul', [graph.op('Mul', [g, g]), graph.scalar(1 - beta2)])]);
      const [c1, c2] = ADAM_CORRECTIONS;
      const denominator = graph.op('Add', [graph.op('Sqrt', [graph.op('Mul', [v1, c2])]), graph.scalar(epsilon)]);
      return [
        { input: p.name, output: descend(graph.op('Div', [graph.op('Mul', [m1, c1]), denominator])) },
        { input: m, output: m1 },
        { input: v, output: v1 },
      ];
    }
  }
}
