// The compression methods as data: what each trains in stage 1, whether and how it prunes, and
// what it deploys. A new method is one entry here.
import { binaryQuantizer, floatQuantizer, targetSparsityQuantizer, type Quantizer } from '@sparse-ternary/quantize-prune';

export type Method = 'float' | 'binary' | 'twn' | 'sparse-ternary' | 'prune-then-quantize';

export interface MethodPlan {
  /** Stage 1's quantizer, given the ternary quantizer of the run. */
  stage1(ternary: Quantizer): Quantizer;
  /** Stage 2's pruner (what quantizes to zero is pruned); absent: no pruning, and stage 1 trains stage 1 + stage 3 epochs. */
  pruner?(ternary: Quantizer, pruneSparsity: number): Quantizer;
  /** The quantizer of the deployed weights (and of stage 3). */
  deployed(ternary: Quantizer): Quantizer;
  /** Stage 1 keeps the sparsifying regularizers (QTR); every other stage and method drops them. */
  sparsifies: boolean;
}

const same = (ternary: Quantizer) => ternary;
/** Binary weights with the run's scale (one for the layer, or one per output channel, as its ternary quantizer has). */
const binaryLike = (ternary: Quantizer) => binaryQuantizer(ternary.rule.kind === 'float' ? 'layer' : ternary.rule.scale);

export const METHOD_PLANS: Readonly<Record<Method, MethodPlan>> = {
  float: { stage1: floatQuantizer, deployed: floatQuantizer, sparsifies: false },
  binary: { stage1: binaryLike, deployed: binaryLike, sparsifies: false },
  twn: { stage1: same, deployed: same, sparsifies: false },
  // This method: ternary training with QTR, pruning what quantizes to zero, retraining the survivors.
  'sparse-ternary': { stage1: same, pruner: same, deployed: same, sparsifies: true },
  // Deep Compression's order: float training, magnitude pruning, then ternary retraining.
  'prune-then-quantize': { stage1: floatQuantizer, pruner: (_, sparsity) => targetSparsityQuantizer(sparsity), deployed: same, sparsifies: false },
};

/** The float, binary and dense ternary baselines, this method, and magnitude pruning then ternary retraining. */
export const METHODS = Object.keys(METHOD_PLANS) as readonly Method[];
