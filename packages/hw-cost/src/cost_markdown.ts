// A cost report as Markdown: what the CLI's report and the docs show.
import type { CostReport } from './cost_report';
import { fitText, FPGA_VARIANTS } from './fpga';

const kib = (bits: number) => `${(bits / 8 / 1024).toFixed(1)} KiB`;
const count = (n: number) => n.toLocaleString('en-US');
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const times = (v: number) => `${v.toFixed(1)}x`;

export function costReportMarkdown(report: CostReport): string {
  const m = report.memory;
  const lines = [
    `Kernel weights: ${count(report.weights)}, non-zero: ${count(report.nonZeros)} (sparsity ${pct(report.sparsity)}). ` +
      `Biases and BatchNorm: ${count(report.otherParameters)} parameters (${kib(report.otherParameterBits)} as float32), not included below.`,
    '',
    '| kernels stored as | memory | sparse ternary is smaller by |',
    '|---|---|---|',
    `| float32 | ${kib(m.float32)} | ${times(report.ratios.float32)} |`,
    `| binary (1 bit) | ${kib(m.binary)} | ${times(report.ratios.binary)} |`,
    `| dense ternary (2 bits) | ${kib(m.ternary)} | ${times(report.ratios.ternary)} |`,
    `| dense ternary (5 trits a byte) | ${kib(m.ternaryPacked)} | ${times(report.ratios.ternaryPacked)} |`,
    `| sparse ternary (smallest encoding per layer) | ${kib(m.sparseTernary)} | 1.0x |`,
    `| this model as it is (per layer: float, binary or sparse ternary) | ${kib(m.deployed)} | |`,
    '',
    `Activations read by the weight layers per inference: ${kib(report.activationTraffic.deployed)} at this model's activation bits (${kib(report.activationTraffic.float32)} as float32).`,
    '',
    '| layer | kind | MH x MW | positions | sparsity | levels | sparse ternary | encoding | input bits | float MACs | sparse adds | bit operations |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.layers.map(
      (l) =>
        `| ${l.name} | ${l.kind} | ${l.rows} x ${l.cols} | ${l.positions} | ${pct(l.sparsity)} | ${l.levels} | ${kib(l.memory.sparseTernary.bits)} | ${l.memory.sparseTernary.encoding} | ${l.inputBits} | ${count(l.operations.floatMacs)} | ${count(l.operations.sparseAddSubs)} | ${count(l.operations.bitOperations)} |`,
    ),
    '',
    '| operations per inference | count |',
    '|---|---|',
    `| float multiply-accumulates | ${count(report.operations.floatMacs)} |`,
    `| binary XNOR-popcounts | ${count(report.operations.binaryXnorPopcounts)} |`,
    `| dense ternary additions/subtractions | ${count(report.operations.ternaryAddSubs)} |`,
    `| sparse ternary additions/subtractions | ${count(report.operations.sparseAddSubs)} |`,
    `| sparse ternary multiplications by alpha | ${count(report.operations.sparseScaleMultiplies)} |`,
    `| this model as it is, in bit operations (weight bits x activation bits per executed multiply-accumulate) | ${count(report.operations.bitOperations)} |`,
    '',
    `FPGA estimate (FINN-style MVAUs, ${report.fpga.binary.device.name}: ${count(report.fpga.binary.device.luts)} LUTs, ${report.fpga.binary.device.bram36} BRAM36, ${report.fpga.binary.device.clockMHz} MHz; ${report.fpga.binary.activationBits}-bit activations; estimates, not synthesis):`,
    '',
    '| weights | frames/s | LUTs | BRAM36 | fits | folding (PE x SIMD per layer) |',
    '|---|---|---|---|---|---|',
    ...FPGA_VARIANTS.map((variant) => {
      const e = report.fpga[variant];
      return `| ${variant} | ${count(Math.round(e.framesPerSecond))} | ${count(e.luts)} | ${e.bram36} | ${fitText(e)} | ${e.layers.map((l) => `${l.pe}x${l.simd}`).join(', ')} |`;
    }),
  ];
  return lines.join('\n');
}
