// A new classifier head for a pretrained model, for a user's data with other classes (an ImageNet
// model fine-tuned on 10 classes): the last weight layer (dense, or a convolution as SqueezeNet's
// 1x1 classifier) is replaced by a fresh one with numClasses outputs, seeded; the weightless layers
// after it (ReLU, pooling, Flatten, Softmax) are rebuilt from their configurations.
import * as tfl from '@tensorflow/tfjs-layers';
import { copyLayer } from './layer_copy';

export class HeadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeadError';
  }
}

/** The model's number of outputs per image (the classes it predicts). */
export const outputClasses = (model: tfl.LayersModel): number | null => model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? null;

/** A new layer of the same class and configuration as `layer`, its name suffixed. */
const renamedCopy = (layer: tfl.layers.Layer, changes: Record<string, unknown>, suffix: string) => copyLayer(layer, { ...changes, name: `${layer.name}_${suffix}` });

/** A Reshape after the head that names the class count (an imported keepdims pooling or Flatten) takes the new one. */
function reshapedFor(layer: tfl.layers.Layer, oldClasses: number, numClasses: number): Record<string, unknown> {
  const target = layer.getClassName() === 'Reshape' ? (layer.getConfig().targetShape as number[]) : undefined;
  return target?.[target.length - 1] === oldClasses ? { targetShape: [...target.slice(0, -1), numClasses] } : {};
}

const HEAD_LAYERS: Record<string, string> = { Dense: 'units', Conv2D: 'filters' };

export function replaceHead(model: tfl.LayersModel, numClasses: number, options: { seed?: number } = {}): tfl.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new HeadError(`numClasses must be a positive integer, got ${numClasses}`);
  if (model.outputs.length !== 1) throw new HeadError(`the model has ${model.outputs.length} outputs; a head is replaced on a single-output classifier`);
  // Walk back from the output over weightless layers, each with one input, to the last weight layer.
  const tail: tfl.layers.Layer[] = [];
  let head = model.layers[model.layers.length - 1];
  while (head.weights.length === 0) {
    const inbound = head.inboundNodes[0]?.inboundLayers ?? [];
    if (inbound.length !== 1 || head.getClassName() === 'InputLayer') throw new HeadError(`layer '${head.name}' (${head.getClassName()}) joins several inputs before any weight layer: no head to replace`);
    tail.unshift(head);
    head = inbound[0];
  }
  const units = HEAD_LAYERS[head.getClassName()];
  if (!units) throw new HeadError(`the last weight layer '${head.name}' is a ${head.getClassName()}, not a dense or convolution layer: its head cannot be replaced`);
  const suffix = `${numClasses}_classes`;
  const fresh = renamedCopy(head, { [units]: numClasses, kernelInitializer: { className: 'GlorotUniform', config: { seed: options.seed } }, biasInitializer: { className: 'Zeros', config: {} } }, suffix);
  let out = fresh.apply(head.inboundNodes[0].inputTensors[0]) as tfl.SymbolicTensor;
  const oldClasses = head.getConfig()[units] as number;
  for (const layer of tail) out = renamedCopy(layer, reshapedFor(layer, oldClasses, numClasses), suffix).apply(out) as tfl.SymbolicTensor;
  if (out.shape[out.shape.length - 1] !== numClasses) throw new HeadError(`the layers after '${head.name}' give ${out.shape[out.shape.length - 1]} outputs, not ${numClasses}`);
  return tfl.model({ inputs: model.inputs, outputs: out, name: model.name });
}

/** The model itself when it predicts numClasses already, else the model with a new head for them. */
export const headFor = (model: tfl.LayersModel, numClasses: number, options: { seed?: number } = {}): tfl.LayersModel =>
  outputClasses(model) === numClasses ? model : replaceHead(model, numClasses, options);
