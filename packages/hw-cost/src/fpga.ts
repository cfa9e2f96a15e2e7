// FPGA estimates for FINN-style streaming dataflow: every weight layer is a matrix-vector unit
// (MVAU) of MH = output channels rows and MW = fan-in columns, folded onto PE x SIMD lanes.
// Formulas follow FINN's MVAU estimates, which cite FINN-R (Blott et al., TRETS 2018):
//   cycles per frame = positions * (MH / PE) * (MW / SIMD)
//   LUTs = 300 + 1.1 * PE * (multipliers + adder tree + accumulator + thresholds + comparators) + LUTRAM
//   BRAM (RAMB18, weights of depth MW*MH/(PE*SIMD) and width PE*SIMD*W) by FINN-R's width/depth table.
// These are estimates, not synthesis results.
import type { WeightLayer } from './model_layers';
import { SPARSE_ENCODINGS } from './encodings';
import { FLOAT_BITS, smallestEncoding } from './memory';

export interface FpgaDevice {
  name: string;
  luts: number;
  /** 36 Kb block RAMs. */
  bram36: number;
  dsps: number;
  clockMHz: number;
}

export const ZYNQ_7020: FpgaDevice = { name: 'Zynq-7020', luts: 53200, bram36: 140, dsps: 220, clockMHz: 100 };

/** binary: 1-bit weights; ternary: 2-bit weights stored densely; sparse-ternary: 2-bit weights, only the non-zeros stored. */
export type FpgaVariant = 'binary' | 'ternary' | 'sparse-ternary';
export const FPGA_VARIANTS: readonly FpgaVariant[] = ['binary', 'ternary', 'sparse-ternary'];

export interface Folding {
  pe: number;
  simd: number;
}

export interface LayerFpga extends Folding {
  cycles: number;
  luts: number;
  bram36: number;
}

export interface FpgaEstimate {
  device: FpgaDevice;
  variant: FpgaVariant;
  activationBits: number;
  layers: LayerFpga[];
  luts: number;
  bram36: number;
  /** The slowest layer's cycles: one frame leaves the pipeline every this many cycles. */
  cyclesPerFrame: number;
  framesPerSecond: number;
  fits: boolean;
}

const BRAM36_BITS = 36 * 1024;
const LUTRAM_DEPTH = 128;

/** RAMB18s for a weight memory of the given depth and width (FINN-R, simple dual port). */
function ramb18(depth: number, width: number): number {
  if (width === 1) return Math.ceil(depth / 16384);
  if (width === 2) return Math.ceil(depth / 8192);
  if (width <= 4) return Math.ceil(depth / 4096) * Math.ceil(width / 4);
  if (width <= 9) return Math.ceil(depth / 2048) * Math.ceil(width / 9);
  if (width <= 18 || depth > 512) return Math.ceil(depth / 1024) * Math.ceil(width / 18);
  return Math.ceil(depth / 512) * Math.ceil(width / 36);
}

/** The bits of a layer's non-zeros in their smallest sparse encoding: what the sparse variant stores. */
export const sparseWeightBits = (layer: WeightLayer): number => smallestEncoding(layer, SPARSE_ENCODINGS).bits;

/** One layer's estimate; `sparseBits` (from sparseWeightBits) is needed for the sparse variant. */
export function estimateLayer(layer: WeightLayer, variant: FpgaVariant, { pe, simd }: Folding, activationBits: number, sparseBits = 0): LayerFpga {
  const mh = layer.matrix.rows;
  const mw = layer.matrix.cols;
  const w = variant === 'binary' ? 1 : 2;
  const a = activationBits;
  const sparse = variant === 'sparse-ternary';
  // Weight storage: every weight (FINN's dense MVAU), or the non-zeros only in their smallest sparse encoding.
  const storedBits = sparse ? sparseBits : mw * mh * w;
  const depth = storedBits / (pe * simd * w);
  const cycles = layer.positions * (mh / pe) * (mw / simd);
  const inLutram = depth <= LUTRAM_DEPTH;
  const multipliers = simd * (2 * Math.ceil((w + a) / 6) - 1) * (w + a);
  const adderTree = (w + a) * (2 * simd - 1);
  const accumulatorBits = w + a + Math.ceil(Math.log2(mw));
  // Quantized outputs are compared against 2^a - 1 thresholds; float ones leave the accumulator as it is.
  const levels = a < FLOAT_BITS ? 2 ** a - 1 : 0;
  const thresholds = levels * accumulatorBits * Math.ceil(mh / pe / 64);
  const comparators = levels * accumulatorBits;
  const lutram = inLutram ? pe * simd * w * Math.ceil(depth / 64) : 0;
  const luts = Math.round(300 + 1.1 * pe * (multipliers + adderTree + accumulatorBits + thresholds + comparators) + lutram);
  // Sparse storage is split across the PEs by capacity; dense storage follows FINN-R's RAMB18 table.
  const bram36 = inLutram ? 0 : sparse ? pe * Math.ceil(storedBits / pe / BRAM36_BITS) : ramb18(depth, pe * simd * w) / 2;
  return { pe, simd, cycles, luts, bram36 };
}

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** The next folding of a layer: more SIMD lanes first, then more PEs; undefined when fully parallel. */
function unfold(layer: WeightLayer, folding: Folding): Folding | undefined {
  const simd = divisors(layer.matrix.cols).find((d) => d > folding.simd);
  if (simd) return { ...folding, simd };
  const pe = divisors(layer.matrix.rows).find((d) => d > folding.pe);
  return pe ? { ...folding, pe } : undefined;
}

function estimate(layers: readonly WeightLayer[], variant: FpgaVariant, foldings: readonly Folding[], device: FpgaDevice, activationBits: number, sparseBits: readonly number[]): FpgaEstimate {
  const estimates = layers.map((layer, i) => estimateLayer(layer, variant, foldings[i], activationBits, sparseBits[i]));
  const luts = estimates.reduce((n, l) => n + l.luts, 0);
  const bram36 = estimates.reduce((n, l) => n + l.bram36, 0);
  // At least a cycle a frame, also for a network without weight layers (nothing to fold).
  const cyclesPerFrame = Math.max(1, ...estimates.map((l) => l.cycles));
  return {
    device,
    variant,
    activationBits,
    layers: estimates,
    luts,
    bram36,
    cyclesPerFrame,
    framesPerSecond: (device.clockMHz * 1e6) / cyclesPerFrame,
    fits: luts <= device.luts && bram36 <= device.bram36,
  };
}

/** Whether an estimate fits its device, and if not which resources it exceeds and by how much: "no: 178 BRAM36 of 140 (1.27x)". */
export function fitText(e: FpgaEstimate): string {
  const over = [
    ['LUTs', e.luts, e.device.luts],
    ['BRAM36', e.bram36, e.device.bram36],
  ].filter(([, used, has]) => (used as number) > (has as number));
  return over.length ? `no: ${over.map(([what, used, has]) => `${(used as number).toLocaleString('en-US')} ${what} of ${(has as number).toLocaleString('en-US')} (${((used as number) / (has as number)).toFixed(2)}x)`).join(', ')}` : 'yes';
}

/**
 * The folding that maximizes frames/s within the device, found as FINN's SetFolding does: start
 * fully folded (PE = SIMD = 1) and keep unfolding the slowest layer while the design fits.
 */
export function bestFolding(layers: readonly WeightLayer[], variant: FpgaVariant, device: FpgaDevice = ZYNQ_7020, activationBits = 2): FpgaEstimate {
  const foldings: Folding[] = layers.map(() => ({ pe: 1, simd: 1 }));
  const sparseBits = variant === 'sparse-ternary' ? layers.map(sparseWeightBits) : [];
  let current = estimate(layers, variant, foldings, device, activationBits, sparseBits);
  while (layers.length) {
    const slowest = current.layers.reduce((worst, l, i) => (l.cycles > current.layers[worst].cycles ? i : worst), 0);
    const next = unfold(layers[slowest], foldings[slowest]);
    if (!next) return current;
    const trial = foldings.map((f, i) => (i === slowest ? next : f));
    const candidate = estimate(layers, variant, trial, device, activationBits, sparseBits);
    if (!candidate.fits) return current;
    foldings[slowest] = next;
    current = candidate;
  }
  return current;
}
