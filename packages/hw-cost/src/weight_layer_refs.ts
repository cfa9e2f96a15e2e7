// The one description of which layers carry a network's weights and how their kernels are laid
// out. quantize-prune (what it quantizes and prunes), hw-cost (what it counts), @sparse-ternary/onnx's
// exporter (what it writes as quantized weights) and the runtime's packer (what it packs) all read
// it, so a new weight layer type is one line here.
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * dense [in, out]; conv [kh, kw, in (per group), out]; depthwise [kh, kw, channels, multiplier];
 * transposedConv [kh, kw, out, in] (each input pixel scatters through the whole kernel).
 */
export type LayerKind = 'dense' | 'conv' | 'depthwise' | 'transposedConv';

// SparseTernaryGroupedConv2D is @sparse-ternary/onnx's layer for ONNX convolutions with 1 < group < channels:
// its kernel [kh, kw, in/groups, out] has the layout of a Conv2D kernel, each output reading its group.
export const WEIGHT_LAYER_KINDS: Readonly<Record<string, LayerKind>> = {
  Dense: 'dense',
  Conv2D: 'conv',
  DepthwiseConv2D: 'depthwise',
  SparseTernaryGroupedConv2D: 'conv',
  Conv2DTranspose: 'transposedConv',
};

export interface WeightLayerRef {
  layer: tfl.layers.Layer;
  kind: LayerKind;
  kernel: tfl.LayerVariable;
}

const KERNEL = /(^|\/)(depthwise_)?kernel(_\d+)?$/;

/** The layer's kind and kernel when it is a weight layer. */
export function weightLayerOf(layer: tfl.layers.Layer): WeightLayerRef | undefined {
  const kind = WEIGHT_LAYER_KINDS[layer.getClassName()];
  const kernel = kind && layer.weights.find((w) => KERNEL.test(w.originalName) || KERNEL.test(w.name));
  return kind && kernel ? { layer, kind, kernel } : undefined;
}

/** The model's weight layers, in model order. */
export const weightLayerRefs = (model: tfl.LayersModel): WeightLayerRef[] => model.layers.flatMap((layer) => weightLayerOf(layer) ?? []);

/**
 * Where a kernel's output channels are: weight i (in the kernel's layout, row-major) belongs to
 * channel floor(i / inner) % count. What a scale per output channel is taken over.
 */
export interface ChannelLayout {
  count: number;
  inner: number;
}

/** The output channels of a kernel of `kind` and TF.js `shape` (a depthwise kernel's channel-multiplier pairs are its outputs). */
export function channelLayout(kind: LayerKind, shape: readonly number[]): ChannelLayout {
  const rank = shape.length;
  if (kind === 'depthwise') return { count: shape[rank - 2] * shape[rank - 1], inner: 1 };
  if (kind === 'transposedConv') return { count: shape[rank - 2], inner: shape[rank - 1] };
  return { count: shape[rank - 1], inner: 1 };
}

/** The usual layout of a kernel whose outputs are its last axis (dense and convolution kernels in TF.js). */
export const lastAxisChannels = (shape: readonly number[]): ChannelLayout => ({ count: shape[shape.length - 1] ?? 1, inner: 1 });
