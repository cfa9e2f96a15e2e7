// train()'s step compiled into one onnxruntime graph (@sparse-ternary/engine's
// compileTrainingStep), with the method's quantizer written into it (straight-through), its masks
// and gradient clipping: or why it cannot be, and train() takes the per-kernel path.
import { CompileError, compileTrainingStep, type CompiledTrainingStep, type StepOptimizer } from '@sparse-ternary/engine';
import { quantizedLayers, type LayerPolicy, type Masks, type Quantizer } from '@sparse-ternary/quantize-prune';
import type * as tfl from '@tensorflow/tfjs-layers';
import { compiledQuantizer } from './compiled_quantizer';

export interface CompiledStepOptions {
  optimizer: StepOptimizer;
  /** What the model outputs (trainingHead's 'probabilities' or 'logits'). */
  output: 'probabilities' | 'logits';
  quantizer: Quantizer;
  masks?: Masks;
  policy?: LayerPolicy;
  clip?: number;
  threads?: number;
}

/** The compiled step, or the CompileError saying why this model and method are not compiled. */
export function compiledStep(model: tfl.LayersModel, options: CompiledStepOptions): CompiledTrainingStep | CompileError {
  const quantized = new Map(quantizedLayers(model, options.policy).filter((t) => t.treatment !== 'float').map((t) => [t.layer, t]));
  try {
    return compileTrainingStep(model, {
      optimizer: options.optimizer,
      output: options.output,
      threads: options.threads,
      kernels: (layer) => {
        const ref = quantized.get(layer);
        if (!ref) return undefined;
        const mask = options.masks?.get(ref.name);
        return { quantize: compiledQuantizer(options.quantizer.rule, ref.kernel.shape.reduce((a, b) => a! * b!, 1)!), mask: mask && (mask.dataSync() as Float32Array), clip: options.clip };
      },
    });
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
}
