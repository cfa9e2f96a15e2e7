export { activationBitsOf } from './activation_bits';
export { costReport, costSummary, type CostReport, type CostReportOptions, type LayerCost, type MemoryTotals } from './cost_report';
export { costReportMarkdown } from './cost_markdown';
export { nonZeroCosts, COST_MEASURES, type CostMeasure } from './nonzero_cost';
export { layerMemory, smallestEncoding, FLOAT_BITS, SCALE_BITS, type LayerMemory } from './memory';
export { layerOperations, type LayerOperations } from './operations';
export {
  bestFolding,
  estimateLayer,
  fitText,
  sparseWeightBits,
  FPGA_VARIANTS,
  ZYNQ_7020,
  type Folding,
  type FpgaDevice,
  type FpgaEstimate,
  type FpgaVariant,
  type LayerFpga,
} from './fpga';
export { weightLayers, otherParameters, type WeightLayer } from './model_layers';
export { channelLayout, lastAxisChannels, weightLayerOf, weightLayerRefs, WEIGHT_LAYER_KINDS, type ChannelLayout, type LayerKind, type WeightLayerRef } from './weight_layer_refs';
export { nonZeros, zeroRuns, signs, type TernaryMatrix } from './ternary_matrix';
export { kernelLevels, type KernelLevels, type WeightLevels } from './weight_levels';
export { BitReader, BitWriter, EncodingError } from './bit_stream';
export { bitmask, csr, denseTwoBit, packedTrits, relativeIndex, runLength, SPARSE_ENCODINGS, TERNARY_ENCODINGS, type Encoding } from './encodings';
export { bestGapBits } from './encodings/relative_index';
