// The results page's section on low-precision activations: each plan under
// docs/experiments/activations (its committed sweep summary), a row per configuration with its
// activations as the plan sets them, beside Brevitas's published binary and 2-bit networks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pct } from './format.mjs';

/** Brevitas bnn_pynq's published accuracies (dense binary or 2-bit weights): the anchors the issue names. */
export const BREVITAS = [
  { net: 'LFC', data: 'MNIST', weights: 'binary', activations: 1, accuracy: 0.9888 },
  { net: 'CNV', data: 'CIFAR-10', weights: '2-bit', activations: 2, accuracy: 0.8903 },
];

const stat = (s) => (s.n > 1 ? `${pct(s.mean)} ± ${(100 * s.std).toFixed(2)}` : pct(s.mean));

/** A configuration's activations as its options say: float, k-bit unsigned, ternary or k-bit signed, binary. */
export function activationsOf(config) {
  const bits = config.actBits ?? 32;
  if (bits === 32) return 'float';
  if (bits === 1) return 'binary';
  if (config.actSigned) return bits === 2 ? 'ternary (signed 2-bit)' : `signed ${bits}-bit`;
  return `${bits}-bit`;
}

export function activationsSection(root) {
  const base = path.join(root, 'docs/experiments/activations');
  if (!existsSync(base)) return [];
  const lines = [];
  for (const file of readdirSync(base).filter((f) => f.endsWith('.json'))) {
    const summaryFile = path.join(base, file.replace(/\.json$/, ''), 'summary.json');
    if (!existsSync(summaryFile)) continue;
    const plan = JSON.parse(readFileSync(path.join(base, file), 'utf8'));
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    const configOf = (group) => ({ ...plan.base, ...plan.list.find((entry) => entry.name === group) });
    lines.push(`### ${plan.title}`, '', '| configuration | activations | target sparsity | seeds | validation | test | kernels, KiB | smaller than binary | smaller than dense ternary |', '|---|---|---|---|---|---|---|---|---|');
    for (const g of summary.groups) {
      const config = configOf(g.group);
      lines.push(`| ${g.group} | ${activationsOf(config)} | ${config.targetSparsity ?? '-'} | ${g.testAccuracy.n} | ${stat(g.validationAccuracy)} | ${stat(g.testAccuracy)} | ${g.deployedKiB.mean.toFixed(1)} | ${g.smallerThanBinary.mean.toFixed(1)}x | ${g.smallerThanTernary.mean.toFixed(1)}x |`);
    }
    lines.push('', `Plan and summary: [experiments/activations/${file}](experiments/activations/${file}); mean ± standard deviation over seeds.`, '');
  }
  if (!lines.length) return [];
  return [
    '## Low-precision activations',
    '',
    'Sparse ternary weights with quantized activations (docs/activations.md), against the same weights with float activations and against Brevitas\'s published networks of dense binary or 2-bit weights: ' +
      BREVITAS.map((b) => `${b.net} on ${b.data}, ${b.weights} weights and ${b.activations}-bit activations, ${pct(b.accuracy)}`).join('; ') +
      ' (trained for hundreds of epochs; the rows here have a few).',
    '',
    ...lines,
  ];
}
