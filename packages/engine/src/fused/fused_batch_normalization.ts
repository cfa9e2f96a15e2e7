import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormTraining } from './batch_norm_training';

// Only TF.js's public entry points are named, so that the published types resolve under every
// moduleResolution (a consumer cannot reach tfjs-layers/dist/... under NodeNext).
type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

export interface FusedBatchNormalizationArgs extends LayerArgs {
  /** Moving-average momentum of the inference statistics (Keras default 0.99). */
  momentum?: number;
  epsilon?: number;
}

/**
 * BatchNormalization over the last axis with the same weights (gamma, beta, moving_mean,
 * moving_variance), defaults and moving-average rule as tf.layers.batchNormalization, whose
 * training step runs the fused batchNormTraining kernels.
 */
export class FusedBatchNormalization extends tfl.layers.Layer {
  static readonly className = 'FusedBatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  private movingMean!: tfl.LayerVariable;
  private movingVariance!: tfl.LayerVariable;

  constructor(args: FusedBatchNormalizationArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the last (channel) dimension must be known, got [${shape}]`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const gamma = this.gamma.read() as tf.Tensor1D;
      const beta = this.beta.read() as tf.Tensor1D;
      if (!kwargs['training']) {
        return tf.batchNorm(x, this.movingMean.read(), this.movingVariance.read(), beta, gamma, this.epsilon);
      }
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon);
      const decay = 1 - this.momentum;
      for (const [moving, batch] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        const current = moving.read();
        moving.write(tf.sub(current, tf.mul(tf.sub(current, batch), decay)));
      }
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(FusedBatchNormalization);

/** A FusedBatchNormalization layer: a drop-in for tf.layers.batchNormalization() on the last axis. */
export const batchNormalization = (args?: FusedBatchNormalizationArgs): FusedBatchNormalization => new FusedBatchNormalization(args);
