export {
  initEngine,
  activeOrtBackend,
  BACKEND_CHOICES,
  DEFAULT_MIN_ORT_WORK,
  type BackendChoice,
  type BackendName,
  type EngineInfo,
  type EngineOptions,
} from './init_engine';
export { ActivationQuantizationError, CompileError, EngineError, OrtBindingError } from './errors';
export { OrtBackend, type OrtBackendOptions, type OrtBackendStats } from './ort/ort_backend';
export { checkOrtBinding, loadSyncSession, type OrtData, type OrtDataType, type OrtSessionOptions, type OrtValue, type SyncSession } from './ort/ort_binding';
export { ortKernelConfigs } from './ort/register_ort_kernels';
export { adam, FusedAdamOptimizer } from './fused/fused_adam';
export { batchNormalization, FusedBatchNormalization, type FusedBatchNormalizationArgs } from './fused/fused_batch_normalization';
export { batchNormTraining, type BatchNormTrainingResult } from './fused/batch_norm_training';
export { GraphBuilder, float, type AttrValue, type BuildOptions, type Dim, type FloatAttr, type GraphDataType, type NodeOptions } from './ort/onnx_graph';
export { compileTrainingStep, type CompiledTrainingStep, type CompileOptions, type OptimizerState, type StepBatch, type StepFeeds, type StepResult } from './compiled/compile_training_step';
export { compileForward, type ForwardSession } from './compiled/compile_forward';
export type { Distillation } from './compiled/step_loss';
export { LAYER_COMPILERS } from './compiled/layer_compilers';
export { ACTIVATION_BITS, ACTIVATION_RANGES, activationQuantization, positiveSteps, quantizerKind, type ActivationQuantization, type ActivationRange } from './activation_quant/activation_quantization';
export { ACTIVATION_QUANTIZERS } from './activation_quant/activation_quantizers';
export type { ActivationQuantizer, QuantizedGraphValue } from './activation_quant/activation_quantizer';
export { QuantizedActivation, quantizedActivation, quantizedActivationsOf, type QuantizedActivationArgs, type QuantizedActivationSummary } from './activation_quant/quantized_activation';
export { OPTIMIZER_SLOTS, type StepOptimizer } from './compiled/optimizer_update';
export type { KernelGraph, KernelLayout, KernelTraining, StepGraph } from './compiled/step_graph';
