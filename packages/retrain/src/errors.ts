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

/** Training was asked to stop (its signal aborted): the position is checkpointed in `checkpointDir`, if one was given. */
export class TrainingInterrupted extends Error {
  constructor(
    readonly stage: string,
    readonly epoch: number,
    /** Batches of the epoch done (resume starts at the next one). */
    readonly batch: number,
    readonly checkpointDir?: string,
  ) {
    super(`${stage} interrupted after batch ${batch} of epoch ${epoch + 1}${checkpointDir ? `; checkpoint in ${checkpointDir}` : ' (no checkpoint folder: nothing saved)'}`);
    this.name = 'TrainingInterrupted';
  }
}

/** A model computed a NaN or infinite output: names the first layer whose output was not finite. */
export class NonFiniteOutputError extends Error {
  constructor(readonly layer: string) {
    super(`layer '${layer}' computes non-finite values (NaN or infinity): the model's weights or inputs are broken, so its predictions mean nothing`);
    this.name = 'NonFiniteOutputError';
  }
}
