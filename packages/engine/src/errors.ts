/** Raised when the engine cannot start the backend that was asked for. */
export class EngineError extends Error {
  constructor(message: string, readonly backend: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Raised when onnxruntime-node's internal synchronous binding is missing or has changed shape. */
export class OrtBindingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrtBindingError';
  }
}

/** Why a model's training step cannot be compiled (the caller keeps the per-kernel path), naming the layer. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly layer?: string,
  ) {
    super(layer ? `layer '${layer}': ${message}` : message);
    this.name = 'CompileError';
  }
}

/** Raised for an activation quantizer that cannot be (bits, range or clip out of bounds), naming what was given. */
export class ActivationQuantizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActivationQuantizationError';
  }
}
