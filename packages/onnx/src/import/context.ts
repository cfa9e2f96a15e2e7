// State of one import: the TF.js tensor (and its layout) behind every ONNX value, the constants,
// layer naming, and the helpers converters share.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { AttributeValue } from '../attributes';
import { identity, invert, NHWC, permuteShape, relayout, samePerm, type Perm } from '../layout';
import type { OnnxGraph, OnnxNode } from '../read_model';
import type { ConstTensor } from '../tensor_data';
import type { BatchDependent } from './fold';

/**
 * A computed ONNX value: stored = onnx.transpose(perm). `flattened` marks a 2D value flattened
 * from a channels-last [h, w, c] tensor, whose features are in (h, w, c) order while ONNX's are (c, h, w).
 */
export interface Computed {
  tensor: tfl.SymbolicTensor;
  perm: Perm;
  flattened?: [number, number, number];
}

/** A node the importer cannot convert; collected so that every offending node is reported. */
export class NodeProblemError extends Error {}

export const unsupported = (reason: string): never => {
  throw new NodeProblemError(reason);
};

const NAME = /[^A-Za-z0-9_.-]/g;

export class ImportContext {
  readonly values = new Map<string, Computed>();
  readonly constants: Map<string, ConstTensor>;
  /** Values computed from the batch size (a Shape and what is folded from it). */
  readonly batchDependent = new Map<string, BatchDependent>();
  /**
   * Values only the second node of a pair reads (QuantizeLinear's codes, read by DequantizeLinear;
   * x >= 0, read by Where), by name: the quantized activation the pair computes, already applied.
   */
  readonly pending = new Map<string, { readBy: string; computed: Computed; scale?: number }>();
  /** Nodes already converted as part of another (an Add folded into the MatMul before it). */
  readonly folded = new Set<OnnxNode>();
  private readonly names = new Set<string>();
  private readonly relayouts = new Map<Computed, Map<string, tfl.SymbolicTensor>>();

  constructor(
    readonly graph: OnnxGraph,
    readonly batchSize: number | undefined,
  ) {
    this.constants = new Map(graph.constants);
  }

  get opset(): number {
    return this.graph.opset;
  }

  /** A layer name from the ONNX node name, made valid for TF.js weights and unique. */
  layerName(node: Pick<OnnxNode, 'name' | 'opType'>, suffix = ''): string {
    const base = (node.name + suffix).replace(NAME, '_').replace(/^[^A-Za-z0-9]+/, '') || node.opType.toLowerCase();
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  isConstant(name: string | undefined): boolean {
    return name !== undefined && name !== '' && this.constants.has(name);
  }

  constant(name: string, what: string): ConstTensor {
    const value = this.constants.get(name);
    if (!value) unsupported(`${what} ('${name}') must be a constant${this.batchDependent.has(name) ? ', and depends on the batch size' : ''}`);
    return value!;
  }

  /** An optional constant input: undefined when the node leaves it out. */
  optionalConstant(node: OnnxNode, index: number, what: string): ConstTensor | undefined {
    const name = node.inputs[index];
    return name ? this.constant(name, what) : undefined;
  }

  value(name: string): Computed {
    const value = this.values.get(name);
    if (!value) {
      if (this.constants.has(name)) unsupported(`input '${name}' is a constant where a computed tensor is expected`);
      unsupported(this.batchDependent.has(name) ? `input '${name}' is computed from the batch size, not from the data` : `input '${name}' is not available`);
    }
    return value!;
  }

  /** Shape in ONNX order (batch first, null when unknown). */
  semanticShape(value: Computed): (number | null)[] {
    if (value.flattened) return [value.tensor.shape[0], value.flattened.reduce((a, b) => a * b, 1)];
    return permuteShape(value.tensor.shape, invert(value.perm));
  }

  /** The tensor stored in the given layout, adding a Permute (or an unflatten) once per layout. */
  stored(value: Computed, perm: Perm, namer: () => string): tfl.SymbolicTensor {
    if (value.flattened) value = this.unflatten(value, namer);
    if (samePerm(value.perm, perm)) return value.tensor;
    const key = perm.join(',');
    const cache = this.relayouts.get(value) ?? new Map<string, tfl.SymbolicTensor>();
    this.relayouts.set(value, cache);
    if (!cache.has(key)) {
      const move = relayout(value.perm, perm);
      if (move[0] !== 0) unsupported('the layout change would move the batch axis');
      cache.set(key, this.apply(tfl.layers.permute({ dims: move.slice(1), name: namer() }), value.tensor));
    }
    return cache.get(key)!;
  }

  /** Channels-first (ONNX) feature order for a value flattened from channels-last. */
  private unflatten(value: Computed, namer: () => string): Computed {
    const [h, w, c] = value.flattened!;
    const spatial = this.apply(tfl.layers.reshape({ targetShape: [h, w, c], name: namer() }), value.tensor);
    const chw = this.apply(tfl.layers.permute({ dims: [3, 1, 2], name: namer() }), spatial);
    return { tensor: this.apply(tfl.layers.flatten({ name: namer() }), chw), perm: [0, 1] };
  }

  /** The default storage of a semantic rank: channels-last for 4D, as ONNX for the rest. */
  static preferredPerm(rank: number): Perm {
    return rank === 4 ? NHWC : identity(rank);
  }

  apply(layer: tfl.layers.Layer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
    return layer.apply(input) as tfl.SymbolicTensor;
  }

  /** Applies a layer and loads its weights from float arrays. */
  applyWithWeights(layer: tfl.layers.Layer, input: tfl.SymbolicTensor, weights: { values: Float32Array; shape: number[] }[]): tfl.SymbolicTensor {
    const out = this.apply(layer, input);
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors);
    return out;
  }

  /** ONNX readers of a value. */
  consumers(name: string): OnnxNode[] {
    return this.graph.nodes.filter((n) => n.inputs.includes(name));
  }

  isGraphOutput(name: string): boolean {
    return this.graph.outputs.some((o) => o.name === name);
  }
}

/** Typed attribute access with ONNX defaults. */
export const attr = {
  int(node: OnnxNode, name: string, fallback: number): number {
    const v = node.attributes.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'number') unsupported(`attribute ${name} is not a number`);
    return v as number;
  },
  float(node: OnnxNode, name: string, fallback: number): number {
    return attr.int(node, name, fallback);
  },
  ints(node: OnnxNode, name: string, fallback?: number[]): number[] | undefined {
    const v: AttributeValue | undefined = node.attributes.get(name);
    if (v === undefined) return fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) unsupported(`attribute ${name} is not a list of numbers`);
    return v as number[];
  },
  string(node: OnnxNode, name: string, fallback: string): string {
    const v = node.attributes.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'string') unsupported(`attribute ${name} is not a string`);
    return v as string;
  },
};

/** Checks that a node uses no attribute outside `known`. */
export function checkAttributes(node: OnnxNode, known: readonly string[]): void {
  const unknown = [...node.attributes.keys()].filter((k) => !known.includes(k));
  if (unknown.length) unsupported(`attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not supported`);
}
