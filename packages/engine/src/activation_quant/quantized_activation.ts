// The layer a quantized activation is in a TF.js model: it takes the place of a hidden layer's
// activation function (a quantized ReLU when unsigned, a quantized hard tanh when signed, the sign
// when binary) and holds its clipping range as the weight `clip`, trainable when the range is learned.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { activationQuantization, quantizerKind, type ActivationQuantization } from './activation_quantization';
import { ACTIVATION_QUANTIZERS } from './activation_quantizers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** The quantizer and the layer's own arguments (a name; an input shape when it is first). */
export interface QuantizedActivationArgs extends ActivationQuantization, LayerArgs {}

export class QuantizedActivation extends tfl.layers.Layer {
  static readonly className = 'SparseTernaryQuantizedActivation';
  readonly quantization: ActivationQuantization;
  private clipVariable!: tfl.LayerVariable;

  constructor(args: QuantizedActivationArgs) {
    const { bits, signed, range, clip, ...layerArgs } = args;
    super(layerArgs);
    this.quantization = activationQuantization({ bits, signed, range, clip });
  }

  override build(): void {
    const learned = this.quantization.range === 'learned';
    this.clipVariable = this.addWeight('clip', [], 'float32', tfl.initializers.constant({ value: this.quantization.clip }), undefined, learned);
    this.built = true;
  }

  /** The clipping range now (a learned one moves as it trains). */
  clip(): number {
    return this.clipVariable.read().dataSync()[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => ACTIVATION_QUANTIZERS[quantizerKind(this.quantization)].apply(x, this.clipVariable.read() as tf.Scalar, this.quantization));
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { bits, signed, range, clip } = this.quantization;
    return { ...super.getConfig(), bits, signed, range, clip };
  }
}
tf.serialization.registerClass(QuantizedActivation);

/** A QuantizedActivation layer. */
export const quantizedActivation = (args: QuantizedActivationArgs): QuantizedActivation => new QuantizedActivation(args);

/** A quantized activation as a report states it: its layer, precision and clipping range now. */
export interface QuantizedActivationSummary {
  name: string;
  bits: number;
  signed: boolean;
  clip: number;
}

/** The model's quantized activations, in order (none for float activations). */
export const quantizedActivationsOf = (model: tfl.LayersModel): QuantizedActivationSummary[] =>
  model.layers.filter((l): l is QuantizedActivation => l instanceof QuantizedActivation).map((l) => ({ name: l.name, bits: l.quantization.bits, signed: l.quantization.signed, clip: l.clip() }));
