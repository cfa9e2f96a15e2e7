// Why a model's training step cannot be compiled (the caller keeps the per-kernel path).
export class CompileError extends Error {
  constructor(
    message: string,
    readonly layer?: string,
  ) {
    super(layer ? `layer '${layer}': ${message}` : message);
    this.name = 'CompileError';
  }
}
