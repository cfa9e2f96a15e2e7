// The regularizers' penalty on one kernel written into a compiled training step's graph, value and
// gradient (the gradient written out, as @sparse-ternary/regularizers' analytic passes compute it),
// each term scaled by its strength: a scalar fed each step from the regularizer's schedule.
import type { StepGraph } from '@sparse-ternary/engine';
import type { Regularizer, RegularizerRule } from '@sparse-ternary/regularizers';

interface Term {
  value: string;
  gradient: string;
}

/** What a term reads: the float weights and the quantizer's view of them (CompiledQuantization), and c_l. */
interface Kernel {
  w: string;
  delta: () => string | number;
  magnitudes: () => string;
  cost: number;
}

/** The graph input of the i-th regularizer's strength. */
export const strengthInput = (index: number) => `strength${index}`;

/** Each regularizer's strength at `step`, as the compiled step is fed them. */
export const strengthsAt = (regularizers: readonly Regularizer[], step: number): Record<string, number> => Object.fromEntries(regularizers.map((r, i) => [strengthInput(i), r.strength(step)]));

/** lambda * the rule's term on the kernel, or nothing where it is 0 whatever the weights (qtr-cost with Delta_l <= 0). */
function term(graph: StepGraph, rule: RegularizerRule, { w, delta, magnitudes, cost }: Kernel, lambda: string): Term | undefined {
  const op = graph.op.bind(graph);
  const sum = (values: string) => op('ReduceSum', [values], { keepdims: 0 });
  const scalar = (value: string | number) => (typeof value === 'number' ? graph.scalar(value) : value);
  switch (rule.kind) {
    case 'l2':
      return { value: op('Mul', [sum(op('Mul', [w, w])), lambda]), gradient: op('Mul', [w, op('Mul', [lambda, graph.scalar(2)])]) };
    case 'l1':
      return { value: op('Mul', [sum(magnitudes()), lambda]), gradient: op('Mul', [op('Sign', [w]), lambda]) };
    case 'qtr-deadzone': {
      const inside = op('Cast', [op('LessOrEqual', [magnitudes(), scalar(delta())])], { to: 1 });
      return { value: op('Mul', [sum(op('Mul', [magnitudes(), inside])), lambda]), gradient: op('Mul', [op('Mul', [op('Sign', [w]), inside]), lambda]) };
    }
    case 'qtr-cost': {
      const d = delta();
      if (typeof d === 'number' && d <= 0) return undefined;
      // c * sigmoid((|w| - Delta) / tau), tau = kappa * Delta; gradient c * s (1 - s) / tau * sign(w), sign(0) = +1 as the quantizers take it. A Delta that is 0 at run time contributes 0 (tau kept finite).
      // Nine passes over the weights: ONNX's Sign took 3 of the 8 ms this term added to an LFC step, so the sign comes with the scalar factor from one Where.
      const on = typeof d === 'number' ? graph.scalar(1) : op('Cast', [op('Greater', [d, graph.scalar(0)])], { to: 1 });
      const inverseTau = op('Reciprocal', [op('Max', [op('Mul', [scalar(d), graph.scalar(rule.kappa)]), graph.scalar(1e-30)])]);
      const s = op('Sigmoid', [op('Mul', [op('Sub', [magnitudes(), scalar(d)]), inverseTau])]);
      const factor = op('Mul', [op('Mul', [lambda, graph.scalar(cost)]), on]);
      const slope = op('Mul', [factor, inverseTau]);
      return {
        value: op('Mul', [sum(s), factor]),
        gradient: op('Mul', [op('Mul', [s, op('Sub', [graph.scalar(1), s])]), op('Where', [op('GreaterOrEqual', [w, graph.scalar(0)]), slope, op('Neg', [slope])])]),
      };
    }
  }
}

/** The regularizers' summed penalty on a kernel and its gradient with respect to the float weights, or none. */
export function compiledPenalty(graph: StepGraph, regularizers: readonly Regularizer[], kernel: Kernel): Term | undefined {
  const terms = regularizers.flatMap((r, i) => term(graph, r.rule, kernel, graph.scalarInput(strengthInput(i))) ?? []);
  if (terms.length === 0) return undefined;
  const total = (values: string[]) => (values.length === 1 ? values[0] : graph.op('Sum', values));
  return { value: total(terms.map((t) => t.value)), gradient: total(terms.map((t) => t.gradient)) };
}
