/** Training stopped: names the stage, epoch and batch where it happened. */
export class TrainingError extends Error {
  constructor(
    message: string,
    readonly stage: string,
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(`${stage}, epoch ${epoch + 1}, batch ${batch + 1}: ${message}`);
    this.name = 'TrainingError';
  }
}
