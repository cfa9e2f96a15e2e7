import * as tf from '@tensorflow/tfjs-core';
import { FusedAdamUpdate, type FusedAdamUpdateAttrs } from './fused_adam_update';

/** tfjs-core's NamedTensor, which its public entry point does not export. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/**
 * Adam (same update, hyperparameters and saved weights as tf.train.adam) whose per-variable step
 * is one FusedAdamUpdate kernel where the backend has it ('cpu', 'ort'), and tf.train.adam's
 * elementwise ops elsewhere (tfjs-node).
 */
/** Adam's defaults: tf.train.adam's (its epsilon, the backend's, is 1e-7). */
export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

export class FusedAdamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'FusedAdam';
  }

  private firstMoments: Moment[] = [];
  private secondMoments: Moment[] = [];

  constructor(
    public learningRate = 0.001,
    readonly beta1: number = ADAM_DEFAULTS.beta1,
    readonly beta2: number = ADAM_DEFAULTS.beta2,
    readonly epsilon: number = ADAM_DEFAULTS.epsilon,
  ) {
    super();
  }

  /** For learning-rate schedules: the rate of the following steps. */
  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const step = this.iterations + 1;
    const attrs: FusedAdamUpdateAttrs = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: 1 / (1 - this.beta1 ** step),
      correction2: 1 / (1 - this.beta2 ** step),
    };
    const fused = tf.getKernel(FusedAdamUpdate, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        this.firstMoments[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        this.secondMoments[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = this.firstMoments[i].variable;
        const v = this.secondMoments[i].variable;
        const [newValue, newM, newV] = fused
          ? (tf.engine().runKernel(FusedAdamUpdate, { value, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[])
          : adamWithOps(value, gradient, m, v, attrs);
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.firstMoments, ...this.secondMoments].map((m) => m.variable));
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const moments = [...this.firstMoments, ...this.secondMoments];
    return [await this.saveIterations(), ...moments.map((m) => ({ name: m.originalName, tensor: m.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const count = values.length / 2;
    const toMoment = (v: NamedTensor): Moment => ({ originalName: v.name, variable: v.tensor.variable(false) });
    this.firstMoments = values.slice(0, count).map(toMoment);
    this.secondMoments = values.slice(count).map(toMoment);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config.learningRate, config.beta1, config.beta2, config.epsilon);
  }
}
tf.serialization.registerClass(FusedAdamOptimizer);

/** The same update with tf ops, for backends without the fused kernel. */
function adamWithOps(value: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: FusedAdamUpdateAttrs): tf.Tensor[] {
  const newM = tf.add(tf.mul(m, a.beta1), tf.mul(g, 1 - a.beta1));
  const newV = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(g), 1 - a.beta2));
  const denominator = tf.add(tf.sqrt(tf.mul(newV, a.correction2)), a.epsilon);
  const newValue = tf.sub(value, tf.div(tf.mul(newM, a.learningRate * a.correction1), denominator));
  return [newValue, newM, newV];
}

/** A FusedAdamOptimizer: a drop-in for tf.train.adam(learningRate, beta1, beta2, epsilon). */
export const adam = (learningRate?: number, beta1?: number, beta2?: number, epsilon?: number): FusedAdamOptimizer =>
  new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
