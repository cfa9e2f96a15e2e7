// The one list of kernels the 'ort' backend runs in onnxruntime; every other kernel is the cpu backend's.
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { absConfig } from './kernels/Abs';
import { addConfig } from './kernels/Add';
import { argMaxConfig } from './kernels/ArgMax';
import { avgPoolConfig } from './kernels/AvgPool';
import { avgPoolGradConfig } from './kernels/AvgPoolGrad';
import { batchMatMulConfig } from './kernels/BatchMatMul';
import { castConfig } from './kernels/Cast';
import { concatConfig } from './kernels/Concat';
import { conv2DConfig } from './kernels/Conv2D';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput';
import { depthwiseConv2dNativeConfig } from './kernels/DepthwiseConv2dNative';
import { equalConfig } from './kernels/Equal';
import { expConfig } from './kernels/Exp';
import { fusedBatchNormConfig } from './kernels/FusedBatchNorm';
import { fusedConv2DConfig } from './kernels/FusedConv2D';
import { fusedMatMulConfig } from './kernels/FusedMatMul';
import { greaterConfig } from './kernels/Greater';
import { greaterEqualConfig } from './kernels/GreaterEqual';
import { leakyReluConfig } from './kernels/LeakyRelu';
import { lessConfig } from './kernels/Less';
import { lessEqualConfig } from './kernels/LessEqual';
import { logConfig } from './kernels/Log';
import { maxConfig } from './kernels/Max';
import { maxPoolConfig } from './kernels/MaxPool';
import { maxPoolGradConfig } from './kernels/MaxPoolGrad';
import { maximumConfig } from './kernels/Maximum';
import { meanConfig } from './kernels/Mean';
import { minConfig } from './kernels/Min';
import { minimumConfig } from './kernels/Minimum';
import { multiplyConfig } from './kernels/Multiply';
import { negConfig } from './kernels/Neg';
import { notEqualConfig } from './kernels/NotEqual';
import { padV2Config } from './kernels/PadV2';
import { prodConfig } from './kernels/Prod';
import { realDivConfig } from './kernels/RealDiv';
import { reluConfig } from './kernels/Relu';
import { relu6Config } from './kernels/Relu6';
import { rsqrtConfig } from './kernels/Rsqrt';
import { selectConfig } from './kernels/Select';
import { sigmoidConfig } from './kernels/Sigmoid';
import { signConfig } from './kernels/Sign';
import { sliceConfig } from './kernels/Slice';
import { softmaxConfig } from './kernels/Softmax';
import { sqrtConfig } from './kernels/Sqrt';
import { squareConfig } from './kernels/Square';
import { squaredDifferenceConfig } from './kernels/SquaredDifference';
import { stepConfig } from './kernels/Step';
import { subConfig } from './kernels/Sub';
import { sumConfig } from './kernels/Sum';
import { tanhConfig } from './kernels/Tanh';
import { tileConfig } from './kernels/Tile';
import { transposeConfig } from './kernels/Transpose';

export const ortKernelConfigs: KernelConfig[] = [
  absConfig,
  addConfig,
  argMaxConfig,
  avgPoolConfig,
  avgPoolGradConfig,
  batchMatMulConfig,
  castConfig,
  concatConfig,
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeConfig,
  equalConfig,
  expConfig,
  fusedBatchNormConfig,
  fusedConv2DConfig,
  fusedMatMulConfig,
  greaterConfig,
  greaterEqualConfig,
  leakyReluConfig,
  lessConfig,
  lessEqualConfig,
  logConfig,
  maxConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  maximumConfig,
  meanConfig,
  minConfig,
  minimumConfig,
  multiplyConfig,
  negConfig,
  notEqualConfig,
  padV2Config,
  prodConfig,
  realDivConfig,
  reluConfig,
  relu6Config,
  rsqrtConfig,
  selectConfig,
  sigmoidConfig,
  signConfig,
  sliceConfig,
  softmaxConfig,
  sqrtConfig,
  squareConfig,
  squaredDifferenceConfig,
  stepConfig,
  subConfig,
  sumConfig,
  tanhConfig,
  tileConfig,
  transposeConfig,
];
