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
import { compileAdd } from './add_compiler';
import { compileDepthwiseConv2D } from './depthwise_conv2d_compiler';
import { compileGlobalAveragePooling2D } from './global_pooling_compiler';
import { compilePadding } from './padding_compiler';
import { compileDropout } from './dropout_compiler';
import { compileQuantizedActivation } from './quantized_activation_compiler';

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

export type LayerCompiler = (layer: tfl.layers.Layer, inputs: Activation[], graph: StepGraph) => CompiledLayer;

/** A layer of one input. */
type SingleInputCompiler = (layer: tfl.layers.Layer, input: Activation, graph: StepGraph) => CompiledLayer;

const single =
  (compile: SingleInputCompiler): LayerCompiler =>
  (layer, inputs, graph) =>
    compile(layer, inputs[0], graph);

export const LAYER_COMPILERS: Readonly<Record<string, LayerCompiler>> = {
  Dense: single(compileDense),
  Conv2D: single(compileConv2D),
  // @sparse-ternary/onnx's grouped convolution (ResNeXt, RegNet), by its registered name.
  SparseTernaryGroupedConv2D: single(compileConv2D),
  DepthwiseConv2D: single(compileDepthwiseConv2D),
  BatchNormalization: single(compileBatchNorm),
  FusedBatchNormalization: single(compileBatchNorm),
  Activation: single(compileActivation),
  ReLU: single(compileActivation),
  MaxPooling2D: single(compileMaxPooling2D),
  GlobalAveragePooling2D: single(compileGlobalAveragePooling2D),
  ZeroPadding2D: single(compilePadding),
  // @sparse-ternary/onnx's padding with a value (before a max pooling), by its registered name.
  SparseTernaryConstantPadding2D: single(compilePadding),
  Dropout: single(compileDropout),
  // The engine's quantized activation, by its registered name.
  SparseTernaryQuantizedActivation: single(compileQuantizedActivation),
  Add: compileAdd,
  Flatten: single(compileReshape),
  Reshape: single(compileReshape),
};

/** Identity conversions, for weights whose layout is the same in TF.js and the graph. */
export const sameLayout = { toGraph: (v: Float32Array) => v, fromGraph: (v: Float32Array) => v };
