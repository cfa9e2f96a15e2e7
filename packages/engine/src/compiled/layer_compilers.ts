// The layers a training step compiles, one entry each: class name to the function that writes its
// forward pass (and, on the tape, its backward pass) into the step's graph and says how its
// TF.js weights map to the graph's. A model with any other layer is not compiled.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Activation, StepGraph, StepParameter } from './step_graph';
import { compileBatchNorm } from './batch_norm_compiler';
import { compileConv2D } from './conv2d_compiler';
import { compileDense } from './dense_compiler';
import { compileMaxPooling2D } from './max_pooling_compiler';
import { compileReshape } from './reshape_compiler';
import { compileActivation } from './activation_compiler';

/** A TF.js weight as the graph holds it: converted to the graph's layout and back (kernels are transposed). */
export interface WeightBinding {
  variable: tfl.LayerVariable;
  parameter: StepParameter;
  toGraph(values: Float32Array): Float32Array;
  fromGraph(values: Float32Array): Float32Array;
}

/** A layer's non-trainable state the step updates (BatchNorm's moving statistics): fed as `input`, its next value `output`. */
export interface StateUpdate {
  variable: tfl.LayerVariable;
  input: string;
  output: string;
}

export interface CompiledLayer {
  output: Activation;
  weights: WeightBinding[];
  updates?: StateUpdate[];
}

export type LayerCompiler = (layer: tfl.layers.Layer, input: Activation, graph: StepGraph) => CompiledLayer;

export const LAYER_COMPILERS: Readonly<Record<string, LayerCompiler>> = {
  Dense: compileDense,
  Conv2D: compileConv2D,
  BatchNormalization: compileBatchNorm,
  FusedBatchNormalization: compileBatchNorm,
  Activation: compileActivation,
  ReLU: compileActivation,
  MaxPooling2D: compileMaxPooling2D,
  Flatten: compileReshape,
  Reshape: compileReshape,
};

/** Identity conversions, for weights whose layout is the same in TF.js and the graph. */
export const sameLayout = { toGraph: (v: Float32Array) => v, fromGraph: (v: Float32Array) => v };
