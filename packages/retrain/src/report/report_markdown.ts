// report.md: the run in tables.
import { costReportMarkdown } from '@sparse-ternary/hw-cost';
import { bestEpoch } from '../best_epoch';
import { deadLayers, deadLayersWarning } from './dead_layers';
import { percent, type RunReport } from './run_report';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** What each file a run writes counts, so that their sizes are read for what they are. */
const FILE_CONTENTS: Readonly<Record<string, string>> = {
  'model.onnx': 'every weight as float32 (the zeros too), biases and BatchNorm',
  'model.int8.onnx': 'every weight as int8 with a float scale per layer or channel (DequantizeLinear), biases and BatchNorm',
  'model.qonnx.onnx': "float32 weights with QONNX Quant nodes giving their bits (FINN reads the levels, not the file's size)",
  'model.stpack': 'the runtime\'s format: per output, each non-zero as a 32-bit input index (so its kernels run at memory speed), a float32 scale and offset (bias and BatchNorm folded), the layer list and a CRC',
};

export function reportMarkdown(r: RunReport): string {
  const c = r.compress;
  const packed = r.outputs.find((o) => o.file === 'model.stpack');
  const float = r.outputs.find((o) => o.file === 'model.onnx');
  const dead = deadLayers(c.layers);
  const lines = [
    `# sparse-ternary: ${r.config.method} ${r.config.model} on ${r.dataset.name}`,
    '',
    `Test accuracy ${percent(c.accuracy)} at ${percent(c.sparsity)} sparsity (before: ${percent(r.accuracyBefore)})` +
      (r.validation ? `; validation accuracy ${percent(r.validation.accuracy)} on ${r.validation.count} held-out training images` : '') +
      (r.tta ? `; with test-time augmentation (${r.tta.method}) ${percent(r.tta.accuracy)} test accuracy. ` : '. ') +
      `Kernels ${c.hardware.ratios.binary.toFixed(1)}x smaller than binary and ${c.hardware.ratios.ternary.toFixed(1)}x smaller than dense 2-bit ternary.` +
      (packed && float ? ` The packed model (${packed.file}, what @sparse-ternary/runtime loads) is ${kib(packed.bytes)}, ${(float.bytes / packed.bytes).toFixed(1)}x smaller than the float ONNX model (${kib(float.bytes)}); see Files for what each size counts.` : ''),
    ...(dead.length ? ['', `**Warning:** ${deadLayersWarning(dead)}.`] : []),
    '',
    `Ran \`${r.command}\` on ${r.started} in ${(r.seconds / 60).toFixed(1)} min${r.sittingSeconds === undefined ? '' : ` (resumed: ${(r.sittingSeconds / 60).toFixed(1)} min in this sitting)`}: backend ${r.info.backend} (${r.info.backendReason}), ${r.info.threads} threads; ` +
      `${r.info.machine.cpus} x ${r.info.machine.cpuModel}, ${r.info.machine.memoryGB} GB, ${r.info.machine.platform}, Node ${r.info.machine.node}.`,
    `Data: ${r.dataset.name} from ${r.dataset.source} (${r.dataset.train} training, ${r.dataset.test} test images).`,
    '',
    '## Training',
    '',
    '| stage | epoch | learning rate | loss | penalty | sparsity | validation accuracy | test accuracy (deployed weights) | test accuracy (float weights) | seconds |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...c.stages.flatMap((s) => {
      // --keep best: the epoch whose weights the stage ended with.
      const kept = r.config.keep === 'best' ? bestEpoch(s.history) : undefined;
      return s.history.map(
        (e) =>
          `| ${s.stage} | ${e.epoch + 1}${e === kept ? ' (kept)' : ''} | ${e.learningRate?.toExponential(2) ?? '-'} | ${e.loss.toFixed(4)} | ${e.penalty.toExponential(2)} | ${percent(e.sparsity)} | ${percent(e.validationAccuracy)} | ${percent(e.quantizedAccuracy)} | ${percent(e.floatAccuracy)} | ${e.seconds.toFixed(1)} |`,
      );
    }),
    '',
    `Training steps: ${c.stages.map((s) => `${s.stage} ${s.trainingStep.kind === 'compiled' ? 'compiled into one onnxruntime graph' : `kernel by kernel (${s.trainingStep.reason})`}`).join('; ')}.`,
    '',
    '## Layers',
    '',
    '| layer | treatment | weights | non-zero | sparsity | alpha | Delta |',
    '|---|---|---|---|---|---|---|',
    ...c.layers.map((l) => `| ${l.name} | ${l.treatment} | ${l.size} | ${l.nonZeros} | ${percent(l.sparsity)} | ${l.alpha.toExponential(3)} | ${l.delta.toExponential(3)} |`),
    '',
    ...(c.activations.length
      ? [
          '## Activations',
          '',
          '| layer | bits | levels | clip |',
          '|---|---|---|---|',
          ...c.activations.map((a) => `| ${a.name} | ${a.bits} | ${a.bits === 1 ? 'binary' : a.signed ? 'signed' : 'unsigned'} | ${a.bits === 1 ? '-' : a.clip.toPrecision(4)} |`),
          '',
        ]
      : []),
    '## Hardware cost',
    '',
    costReportMarkdown(c.hardware),
    '',
    '## Files',
    '',
    '| file | size | what it holds |',
    '|---|---|---|',
    ...r.outputs.map((o) => `| ${o.file} | ${kib(o.bytes)} | ${FILE_CONTENTS[o.file] ?? ''} |`),
    `| (the sparse ternary kernels alone, smallest encoding per layer) | ${kib(c.hardware.memory.sparseTernary / 8)} | the kernels' bits and scales as a bit-level encoding would store them (the hardware cost's figure; no file) |`,
    '',
    '## Configuration',
    '',
    '```json',
    JSON.stringify(r.config, null, 2),
    '```',
    '',
    '## Versions',
    '',
    ...Object.entries(r.info.versions).map(([name, version]) => `- ${name} ${version}`),
    '',
  ];
  return lines.join('\n');
}
