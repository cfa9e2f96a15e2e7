// The cost report of a model: per layer and in total, memory in each representation, operations
// per inference and FPGA estimates, with the ratios the paper's claims are stated in.
import type * as tfl from '@tensorflow/tfjs-layers';
import { activationBitsOf } from './activation_bits';
import { bestFolding, FPGA_VARIANTS, ZYNQ_7020, type FpgaDevice, type FpgaEstimate, type FpgaVariant } from './fpga';
import { FLOAT_BITS, layerMemory, type LayerMemory } from './memory';
import { otherParameters, weightLayers } from './model_layers';
import type { LayerKind } from './weight_layer_refs';
import { layerOperations, type LayerOperations } from './operations';
import { nonZeros } from './ternary_matrix';
import type { WeightLevels } from './weight_levels';

export interface CostReportOptions {
  device?: FpgaDevice;
  /** Activation bits of the FPGA estimate (default: the model's own, activationBitsOf). */
  activationBits?: number;
}

export interface LayerCost {
  name: string;
  kernel: string;
  kind: LayerKind;
  /** Output channels (MH) x fan-in (MW), and output positions per inference. */
  rows: number;
  cols: number;
  positions: number;
  weights: number;
  nonZeros: number;
  sparsity: number;
  levels: WeightLevels;
  alpha: number;
  memory: LayerMemory;
  operations: LayerOperations;
  /** The bits of the values it reads, and how many bits of them it reads per inference. */
  inputBits: number;
  activationTraffic: number;
}

export interface MemoryTotals {
  float32: number;
  binary: number;
  ternary: number;
  ternaryPacked: number;
  sparseTernary: number;
  deployed: number;
}

export interface CostReport {
  layers: LayerCost[];
  weights: number;
  nonZeros: number;
  sparsity: number;
  /** Biases and BatchNorm parameters, counted apart from the kernels (32 bits each). */
  otherParameters: number;
  otherParameterBits: number;
  /** Kernel memory in bits, per representation (scales included). */
  memory: MemoryTotals;
  /** Bits the weight layers read from activation memory per inference: at the model's activation bits, and were they float32. */
  activationTraffic: { deployed: number; float32: number };
  operations: LayerOperations;
  /** How many times smaller the sparse ternary kernels are than each representation of the same topology. */
  ratios: { float32: number; binary: number; ternary: number; ternaryPacked: number };
  fpga: Record<FpgaVariant, FpgaEstimate>;
}

const sum = <T>(items: readonly T[], value: (item: T) => number) => items.reduce((n, item) => n + value(item), 0);

export function costReport(model: tfl.LayersModel, options: CostReportOptions = {}): CostReport {
  const weightLayerList = weightLayers(model);
  const layers: LayerCost[] = weightLayerList.map((layer) => {
    const weights = layer.matrix.values.length;
    const nz = nonZeros(layer.matrix);
    return {
      name: layer.name,
      kernel: layer.kernel,
      kind: layer.kind,
      rows: layer.matrix.rows,
      cols: layer.matrix.cols,
      positions: layer.positions,
      weights,
      nonZeros: nz,
      sparsity: weights ? 1 - nz / weights : 0,
      levels: layer.levels,
      alpha: layer.alpha,
      memory: layerMemory(layer),
      operations: layerOperations(layer),
      inputBits: layer.inputBits,
      activationTraffic: layer.inputElements * layer.inputBits,
    };
  });
  const memory: MemoryTotals = {
    float32: sum(layers, (l) => l.memory.float32),
    binary: sum(layers, (l) => l.memory.binary),
    ternary: sum(layers, (l) => l.memory.ternary),
    ternaryPacked: sum(layers, (l) => l.memory.ternaryPacked),
    sparseTernary: sum(layers, (l) => l.memory.sparseTernary.bits),
    deployed: sum(layers, (l) => l.memory.deployed),
  };
  const operationKeys = Object.keys(layers[0]?.operations ?? {}) as (keyof LayerOperations)[];
  const operations = Object.fromEntries(operationKeys.map((k) => [k, sum(layers, (l) => l.operations[k])])) as unknown as LayerOperations;
  const weights = sum(layers, (l) => l.weights);
  const nz = sum(layers, (l) => l.nonZeros);
  const others = otherParameters(model, weightLayerList);
  const device = options.device ?? ZYNQ_7020;
  const activationBits = options.activationBits ?? activationBitsOf(model);
  return {
    layers,
    weights,
    nonZeros: nz,
    sparsity: weights ? 1 - nz / weights : 0,
    otherParameters: others,
    otherParameterBits: others * FLOAT_BITS,
    memory,
    activationTraffic: { deployed: sum(layers, (l) => l.activationTraffic), float32: sum(weightLayerList, (l) => l.inputElements * FLOAT_BITS) },
    operations,
    ratios: {
      float32: memory.float32 / memory.sparseTernary,
      binary: memory.binary / memory.sparseTernary,
      ternary: memory.ternary / memory.sparseTernary,
      ternaryPacked: memory.ternaryPacked / memory.sparseTernary,
    },
    fpga: Object.fromEntries(FPGA_VARIANTS.map((variant) => [variant, bestFolding(weightLayerList, variant, device, activationBits)])) as Record<FpgaVariant, FpgaEstimate>,
  };
}

/** The few numbers worth carrying with an exported model (its ONNX metadata). */
export function costSummary(report: CostReport) {
  const bytes = (bits: number) => Math.ceil(bits / 8);
  return {
    weights: report.weights,
    nonZeros: report.nonZeros,
    sparsity: report.sparsity,
    kernelBytes: { deployed: bytes(report.memory.deployed), sparseTernary: bytes(report.memory.sparseTernary), binary: bytes(report.memory.binary), ternary: bytes(report.memory.ternary), float32: bytes(report.memory.float32) },
    otherParameterBytes: bytes(report.otherParameterBits),
    activationTrafficBytes: { deployed: bytes(report.activationTraffic.deployed), float32: bytes(report.activationTraffic.float32) },
    smallerThan: report.ratios,
    operations: report.operations,
    fpga: Object.fromEntries(
      Object.entries(report.fpga).map(([variant, e]) => [variant, { device: e.device.name, framesPerSecond: e.framesPerSecond, luts: e.luts, bram36: e.bram36, fits: e.fits }]),
    ),
  };
}
