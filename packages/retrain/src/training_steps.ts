// How train() runs each step: compiled into one onnxruntime graph where the model and method allow
// it ('auto'), always ('compiled': an error where it cannot), or one TF.js kernel at a time.
export const TRAINING_STEPS = ['auto', 'compiled', 'kernels'] as const;
export type TrainingStepChoice = (typeof TRAINING_STEPS)[number];
