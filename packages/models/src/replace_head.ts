// A new classifier head for a pretrained model, for a user's data with other classes (an ImageNet
// model fine-tuned on 10 classes): the last dense layer is replaced by a fresh one of numClasses
// units, seeded; a Softmax after it is kept.
import * as tfl from '@tensorflow/tfjs-layers';

export class HeadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadError';
  }
}

const isSoftmax = (layer: tfl.layers.Layer) =>
  layer.getClassName() === 'Softmax' || (layer.getClassName() === 'Activation' && layer.getConfig().activation === 'softmax');

/** The model's number of outputs per image (the classes it predicts). */
export const outputClasses = (model: tfl.LayersModel): number | null => model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? null;

export function replaceHead(model: tfl.LayersModel, numClasses: number, options: { seed?: number } = {}): tfl.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new HeadError(`numClasses must be a positive integer, got ${numClasses}`);
  if (model.outputs.length !== 1) throw new HeadError(`the model has ${model.outputs.length} outputs; a head is replaced on a single-output classifier`);
  const output = model.layers[model.layers.length - 1];
  const softmax = isSoftmax(output) ? output : undefined;
  const dense = softmax ? softmax.inboundNodes[0].inboundLayers[0] : output;
  if (dense.getClassName() !== 'Dense') {
    throw new HeadError(`the model ends in ${dense.getClassName()} layer '${dense.name}', not a dense layer (Gemm or MatMul): its head cannot be replaced`);
  }
  const config = dense.getConfig();
  const head = tfl.layers.dense({
    units: numClasses,
    activation: config.activation as 'linear',
    useBias: config.useBias as boolean,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: options.seed }),
    name: `${dense.name}_${numClasses}_classes`,
  });
  let out = head.apply(dense.inboundNodes[0].inputTensors[0]) as tfl.SymbolicTensor;
  if (softmax) out = tfl.layers.softmax({ name: `${softmax.name}_${numClasses}_classes` }).apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: model.inputs, outputs: out, name: model.name });
}
