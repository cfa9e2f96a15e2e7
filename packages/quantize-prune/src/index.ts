export {
  binaryQuantizer,
  fixedThresholdQuantizer,
  floatQuantizer,
  targetSparsityQuantizer,
  twnQuantizer,
  TERNARY_SCALES,
  type Quantized,
  type Quantizer,
  type QuantizerRule,
  type TernaryScale,
} from './quantizer';
export { quantizedLayers, type LayerPolicy, type LayerTreatment, type QuantizedLayerRef } from './quantized_layers';
export { countNonZeros, disposeMasks, keepWhere, pinToMask, type Masks } from './masks';
export { straightThroughStep, type ShadowWeight, type StepResult, type StraightThroughOptions } from './straight_through';
export { quantizationPrune, sparsityReport, ternarizeModel, type LayerStats, type SparsityReport } from './prune';
export { withQuantizedKernels, type KernelQuantization } from './quantized_kernels';
