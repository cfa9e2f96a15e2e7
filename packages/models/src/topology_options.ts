/** Options every topology takes. */
export interface TopologyOptions {
  /** Multiplies every hidden layer's width (units or filters); 1 is the published size. */
  widthMultiplier?: number;
  /** Dropout rate after each hidden fully connected layer (0: none). */
  dropout?: number;
  /** Biases on the dense and conv layers; off by default, since BatchNorm's beta plays that role. */
  bias?: boolean;
  /** BatchNorm after each hidden layer (default true). */
  batchNorm?: boolean;
  /** Number of classes (default 10). */
  classes?: number;
  /** Seed of the weight initializers, for reproducible models. */
  seed?: number;
}

export const scaled = (units: number, options: TopologyOptions): number => Math.max(1, Math.round(units * (options.widthMultiplier ?? 1)));
