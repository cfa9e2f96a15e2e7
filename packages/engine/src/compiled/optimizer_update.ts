// The optimizer's update of one weight, in the step's graph: plain SGD, or Adam as the engine's
// fused Adam computes it (the learning rate and the bias corrections c1 = 1 / (1 - beta1^t) and
// c2 = 1 / (1 - beta2^t) fed each step). A kernel's gradient (its penalty's added) is clipped and masked first, and its
// updated weights masked again, so pruned weights stay exactly zero whatever the moments do.
import { ADAM_DEFAULTS } from '../fused/fused_adam';
import type { StepGraph, StepParameter } from './step_graph';

export type StepOptimizer = { kind: 'sgd'; learningRate: number } | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

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
  if (optimizer.kind === 'sgd') return [{ input: p.name, output: masked(graph.op('Sub', [p.name, graph.op('Mul', [g, rate])])) }];
  const { beta1, beta2, epsilon } = { ...ADAM_DEFAULTS, ...optimizer };
  const [m, v] = ['m', 'v'].map((moment) => graph.b.input(`${p.name}/${moment}`, 'float32', p.dims));
  const m1 = graph.op('Add', [graph.op('Mul', [m, graph.scalar(beta1)]), graph.op('Mul', [g, graph.scalar(1 - beta1)])]);
  const v1 = graph.op('Add', [graph.op('Mul', [v, graph.scalar(beta2)]), graph.op('Mul', [graph.op('Mul', [g, g]), graph.scalar(1 - beta2)])]);
  const [c1, c2] = ADAM_CORRECTIONS;
  const denominator = graph.op('Add', [graph.op('Sqrt', [graph.op('Mul', [v1, c2])]), graph.scalar(epsilon)]);
  const step = graph.op('Div', [graph.op('Mul', [graph.op('Mul', [m1, c1]), rate]), denominator]);
  return [
    { input: p.name, output: masked(graph.op('Sub', [p.name, step])) },
    { input: m, output: m1 },
    { input: v, output: v1 },
  ];
}
