import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization } from '@sparse-ternary/engine';
import { scaled, type TopologyOptions } from './topology_options';

/** Adds the layers of a model in order, with seeded initializers and the shared BatchNorm/ReLU pattern. */
export class ModelBuilder {
  readonly model = tfl.sequential();
  private layerCount = 0;

  constructor(
    private readonly options: TopologyOptions,
    private readonly inputShape: number[],
  ) {}

  private kernelInitializer() {
    const seed = this.options.seed === undefined ? undefined : this.options.seed + this.layerCount;
    return tfl.initializers.glorotUniform({ seed });
  }

  private first(): { inputShape?: number[] } {
    return this.model.layers.length === 0 ? { inputShape: this.inputShape } : {};
  }

  private normalizeAndActivate(): void {
    if (this.options.batchNorm ?? true) this.model.add(batchNormalization());
    this.model.add(tfl.layers.activation({ activation: 'relu' }));
  }

  /** A hidden fully connected layer of `units` (scaled by widthMultiplier), then BatchNorm, ReLU and dropout. */
  dense(units: number): this {
    this.model.add(
      tfl.layers.dense({ ...this.first(), units: scaled(units, this.options), useBias: this.options.bias ?? false, kernelInitializer: this.kernelInitializer() }),
    );
    this.layerCount++;
    this.normalizeAndActivate();
    if (this.options.dropout) this.model.add(tfl.layers.dropout({ rate: this.options.dropout }));
    return this;
  }

  /** A hidden convolution of `filters` (scaled) with a square kernel, then BatchNorm and ReLU. */
  conv(filters: number, kernelSize: number, padding: 'valid' | 'same' = 'valid'): this {
    this.model.add(
      tfl.layers.conv2d({
        ...this.first(),
        filters: scaled(filters, this.options),
        kernelSize,
        padding,
        useBias: this.options.bias ?? false,
        kernelInitializer: this.kernelInitializer(),
      }),
    );
    this.layerCount++;
    this.normalizeAndActivate();
    return this;
  }

  maxPool(size = 2): this {
    this.model.add(tfl.layers.maxPooling2d({ ...this.first(), poolSize: size }));
    return this;
  }

  flatten(): this {
    this.model.add(tfl.layers.flatten(this.first()));
    return this;
  }

  /** The output layer: class logits through softmax (the loss takes probabilities). */
  classifier(): tfl.Sequential {
    this.model.add(
      tfl.layers.dense({ units: this.options.classes ?? 10, activation: 'softmax', useBias: true, kernelInitializer: this.kernelInitializer() }),
    );
    return this.model;
  }
}
