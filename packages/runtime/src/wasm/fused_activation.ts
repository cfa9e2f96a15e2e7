// The activation a kernel applies in its output pass: a clamp to [low, high].
import type { PackedLayer } from '../format';

export type Bounds = [low: number, high: number];

/** No activation fused. */
export const NO_CLAMP: Bounds = [-Infinity, Infinity];

/** A ReLU layer's clamp (ReLU6 and other capped ones too). */
export const reluBounds = (layer: Extract<PackedLayer, { type: 'relu' }>): Bounds => [0, layer.max ?? Infinity];
