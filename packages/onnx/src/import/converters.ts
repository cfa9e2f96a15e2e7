// The ONNX ops the importer converts, by domain and op type.
import type { OnnxNode } from '../read_model';
import type { ImportContext } from './context';
import * as activations from './ops/activations';
import { convertArithmetic, convertVariadic, VARIADIC_OPS } from './ops/arithmetic';
import { convertBatchNormalization } from './ops/batch_norm';
import { convertLayerNormalization } from './ops/layer_norm';
import { convertConcat, convertPad } from './ops/concat_pad';
import { convertConv } from './ops/conv';
import { convertConvTranspose } from './ops/conv_transpose';
import { convertGemm, convertMatMul } from './ops/dense';
import * as pooling from './ops/pooling';
import { convertBipolarQuant, convertDequantizeLinear, convertQuant } from './ops/quantized_constants';
import { convertGreaterOrEqual, convertQuantizeLinear, convertWhere } from './ops/quantized_activations';
import { convertReduce, REDUCE_OPS } from './ops/reduce';
import { convertResize } from './ops/resize';
import * as shape from './ops/shape';
import { convertSlice, convertSplit } from './ops/slice';
import { convertUnaryMath, UNARY_MATH_OPS } from './ops/unary_math';

export type Converter = (node: OnnxNode, ctx: ImportContext) => void;

export const CONVERTERS: Readonly<Record<string, Converter>> = {
  Gemm: convertGemm,
  MatMul: convertMatMul,
  Conv: convertConv,
  ConvTranspose: convertConvTranspose,
  BatchNormalization: convertBatchNormalization,
  LayerNormalization: convertLayerNormalization,
  Relu: activations.convertRelu,
  LeakyRelu: activations.convertLeakyRelu,
  PRelu: activations.convertPRelu,
  Elu: activations.convertElu,
  Clip: activations.convertClip,
  Sigmoid: activations.convertSigmoid,
  Tanh: activations.convertTanh,
  HardSigmoid: activations.convertHardSigmoid,
  HardSwish: activations.convertHardSwish,
  Softplus: activations.convertSoftplus,
  Softsign: activations.convertSoftsign,
  Softmax: activations.convertSoftmax,
  LogSoftmax: activations.convertLogSoftmax,
  MaxPool: pooling.convertMaxPool,
  AveragePool: pooling.convertAveragePool,
  GlobalAveragePool: pooling.convertGlobalAveragePool,
  GlobalMaxPool: pooling.convertGlobalMaxPool,
  Flatten: shape.convertFlatten,
  Reshape: shape.convertReshape,
  Squeeze: shape.convertSqueeze,
  Unsqueeze: shape.convertUnsqueeze,
  Transpose: shape.convertTranspose,
  Identity: shape.convertIdentity,
  Dropout: shape.convertDropout,
  Add: convertArithmetic,
  Sub: convertArithmetic,
  Mul: convertArithmetic,
  Div: convertArithmetic,
  Pad: convertPad,
  Resize: convertResize,
  Upsample: convertResize,
  Concat: convertConcat,
  DequantizeLinear: convertDequantizeLinear,
  QuantizeLinear: convertQuantizeLinear,
  GreaterOrEqual: convertGreaterOrEqual,
  Where: convertWhere,
  Slice: convertSlice,
  Split: convertSplit,
  ...Object.fromEntries(REDUCE_OPS.map((op) => [op, convertReduce])),
  ...Object.fromEntries(UNARY_MATH_OPS.map((op) => [op, convertUnaryMath])),
  ...Object.fromEntries(VARIADIC_OPS.map((op) => [op, convertVariadic])),
};

/** QONNX ops (domain qonnx.custom_op.general), as FINN's tools write them. */
export const QONNX_CONVERTERS: Readonly<Record<string, Converter>> = {
  Quant: convertQuant,
  IntQuant: convertQuant,
  BipolarQuant: convertBipolarQuant,
};

export const SUPPORTED_OPS = Object.keys(CONVERTERS);
