// A model rebuilt layer by layer over the same graph, each layer replaced by what a rewrite makes
// of it (more layers, other layers) or copied with its weights: the one walk that restoring
// BatchNorm and quantizing activations share.
import * as tfl from '@tensorflow/tfjs-layers';
import { copyLayer } from './layer_copy';

export class RebuildError extends Error {
  constructor(
    message: string,
    readonly layer: string,
  ) {
    super(`layer '${layer}': ${message}`);
    this.name = 'RebuildError';
  }
}

/** What a rewrite makes of one layer from its rebuilt inputs: its outputs, or undefined to copy it as it is. */
export type LayerRewrite = (layer: tfl.layers.Layer, inputs: tfl.SymbolicTensor[]) => tfl.SymbolicTensor[] | undefined;

/** A copy of `layer` (with `changes` to its configuration) applied to `inputs`, holding its weights. */
export function applyCopy(layer: tfl.layers.Layer, inputs: tfl.SymbolicTensor[], changes: Record<string, unknown> = {}): tfl.SymbolicTensor[] {
  const copy = copyLayer(layer, changes);
  const outputs = [copy.apply(inputs.length === 1 ? inputs[0] : inputs)].flat() as tfl.SymbolicTensor[];
  copy.setWeights(layer.getWeights());
  return outputs;
}

/** Throws a RebuildError naming a layer used more than once (a model's graph is rebuilt once per layer). */
export function checkRebuildable(model: tfl.LayersModel): void {
  const shared = model.layers.find((l) => l.inboundNodes.length > 1);
  if (shared) throw new RebuildError('is used more than once in the model; models are rebuilt when their layers are each used once', shared.name);
}

/**
 * A new model computing what `rewrite` makes of each layer of `model`, in order; the layers it
 * leaves are copied with their weights. The model passed in is left as it was (its InputLayer is shared).
 */
export function rebuildModel(model: tfl.LayersModel, rewrite: LayerRewrite): tfl.LayersModel {
  checkRebuildable(model);
  const rebuilt = new Map<number, tfl.SymbolicTensor>(model.inputs.map((t) => [t.id, t]));
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = layer.inboundNodes[0];
    const inputs = node.inputTensors.map((t) => rebuilt.get(t.id)!);
    const outputs = rewrite(layer, inputs) ?? applyCopy(layer, inputs);
    node.outputTensors.forEach((t, i) => rebuilt.set(t.id, outputs[i]));
  }
  return tfl.model({ inputs: model.inputs, outputs: model.outputs.map((t) => rebuilt.get(t.id)!), name: model.name });
}
