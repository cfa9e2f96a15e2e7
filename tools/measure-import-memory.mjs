#!/usr/bin/env node
// Peak memory of importing an ONNX model, above the baseline of a process that only starts the
// engine, as a multiple of the file size (issue 18's target: under 3x for resnet50's 98 MB).
//   /usr/bin/python3 fixtures/torchvision_exports.py /tmp/zoo --models resnet50 --opsets 13 --forms dynamic
//   node tools/measure-import-memory.mjs /tmp/zoo/resnet50-op13-dynamic.onnx
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [file, child] = process.argv.slice(2);
if (child === '--child') {
  const { initEngine } = await import('@sparse-ternary/engine');
  await initEngine({ backend: 'ort' });
  if (file !== '-') {
    const { importOnnx } = await import('@sparse-ternary/onnx');
    importOnnx(file);
  }
  // maxRSS is in KiB
  console.log(process.resourceUsage().maxRSS * 1024);
} else {
  if (!file) {
    console.error('usage: node tools/measure-import-memory.mjs <model.onnx>');
    process.exit(2);
  }
  const peak = (arg) => Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), arg, '--child'], { encoding: 'utf8' }).trim());
  const baseline = peak('-');
  const imported = peak(file);
  const size = statSync(file).size;
  const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`file ${mib(size)}; peak RSS: engine alone ${mib(baseline)}, with the import ${mib(imported)}; above the baseline ${mib(imported - baseline)} = ${((imported - baseline) / size).toFixed(2)}x the file`);
}
