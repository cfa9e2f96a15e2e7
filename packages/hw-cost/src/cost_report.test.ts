import { initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import { cnv, lfc, quantizeActivations } from '@sparse-ternary/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { costReport, costReportMarkdown, costSummary, nonZeroCosts, weightLayers } from './index';

beforeAll(() => initEngine({ backend: 'cpu' }));

/** Every kernel ternary with uniformly random zeros at `sparsity` and random signs. */
function ternarize(model: tfl.LayersModel, sparsity: number, seed: number): void {
  const random = seededRandom(seed);
  for (const layer of weightLayers(model)) {
    const variable = model.weights.find((w) => w.name === layer.kernel)!;
    const values = Float32Array.from({ length: variable.shape.reduce((a, b) => a! * b!, 1)! }, () => (random() < sparsity ? 0 : random() < 0.5 ? -0.1 : 0.1));
    variable.write(tf.tensor(values, variable.shape as number[]));
  }
}

describe('cost report', () => {
  test('acceptance: LFC at 98% sparsity (uniform random masks) is >= 5x smaller than binary and >= 10x smaller than dense 2-bit ternary', () => {
    const model = lfc({ seed: 1 });
    ternarize(model, 0.98, 7);
    const report = costReport(model);
    expect(report.weights).toBe(784 * 1024 + 1024 * 1024 * 2 + 1024 * 10);
    expect(report.sparsity).toBeGreaterThan(0.979);
    expect(report.sparsity).toBeLessThan(0.981);
    expect(report.memory.binary).toBe(report.weights + 4 * 32);
    expect(report.memory.ternary).toBe(2 * report.weights + 4 * 32);
    expect(report.ratios.binary).toBeGreaterThanOrEqual(5);
    expect(report.ratios.ternary).toBeGreaterThanOrEqual(10);
    expect(report.layers.every((l) => l.levels === 'ternary' && l.memory.deployed === l.memory.sparseTernary.bits)).toBe(true);
    expect(report.layers[1].memory.sparseTernary.encoding).toBe('relative index (Deep Compression)');
    // Biases (the classifier's 10) and BatchNorm's 4 x 3 x 1024 parameters, apart.
    expect(report.otherParameters).toBe(10 + 4 * 3 * 1024);
    expect(report.operations.sparseAddSubs).toBe(report.nonZeros);
    expect(report.fpga['sparse-ternary'].bram36).toBeLessThan(report.fpga.ternary.bram36);
  });

  test("the FPGA estimate takes the model's own activation bits: float activations are a 32-bit datapath, 2-bit ones thresholds", () => {
    const model = lfc({ seed: 1, widthMultiplier: 0.25 });
    ternarize(model, 0.9, 2);
    const float = costReport(model);
    const quantized = costReport(quantizeActivations(model, { bits: 2, signed: false, range: 'fixed', clip: 1 }).model);
    expect([float.fpga.ternary.activationBits, quantized.fpga.ternary.activationBits]).toEqual([32, 2]);
    expect(quantized.fpga.ternary.luts).toBeLessThan(float.fpga.ternary.luts);
    expect(costReport(model, { activationBits: 4 }).fpga.ternary.activationBits).toBe(4);
  });

  test('activation traffic and bit operations follow the bits each layer reads, through pooling and flatten', () => {
    const model = cnv({ widthMultiplier: 0.25, seed: 1 });
    ternarize(model, 0.9, 4);
    const quantized = costReport(quantizeActivations(model, { bits: 2, signed: false, range: 'fixed', clip: 1 }).model);
    const float = costReport(model);
    // The first conv reads the 32 x 32 x 3 float image; every later layer reads 2-bit activations,
    // the first dense layer through max pooling and flatten.
    expect(quantized.layers.map((l) => l.inputBits)).toEqual([32, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(float.layers.every((l) => l.inputBits === 32)).toBe(true);
    expect(quantized.layers[0].activationTraffic).toBe(32 * 32 * 3 * 32);
    // CNV at width 0.25: conv2 reads 30 x 30 x 16 activations.
    expect(quantized.layers[1].activationTraffic).toBe(30 * 30 * 16 * 2);
    expect(quantized.activationTraffic.float32).toBe(float.activationTraffic.deployed);
    const [conv2] = [quantized.layers[1]];
    expect(conv2.operations.bitOperations).toBe(conv2.positions * conv2.nonZeros * 2 * 2);
    expect(float.layers[1].operations.bitOperations).toBe(16 * conv2.operations.bitOperations);
  });

  test('Markdown and the JSON summary carry the totals', () => {
    const model = cnv({ widthMultiplier: 0.25, seed: 1 });
    ternarize(model, 0.9, 3);
    const report = costReport(model);
    const markdown = costReportMarkdown(report);
    expect(markdown).toContain(`| binary (1 bit) | ${(report.memory.binary / 8 / 1024).toFixed(1)} KiB | ${report.ratios.binary.toFixed(1)}x |`);
    expect(markdown.split('\n').filter((l) => /\| (conv|dense) \|/.test(l))).toHaveLength(9);
    const summary = JSON.parse(JSON.stringify(costSummary(report)));
    expect(summary.kernelBytes.sparseTernary).toBe(Math.ceil(report.memory.sparseTernary / 8));
    expect(summary.fpga['sparse-ternary'].device).toBe('Zynq-7020');
  });

  test('non-zero costs: operations follow the output positions, normalized to a mean of 1 over the weights', () => {
    const model = cnv({ widthMultiplier: 0.25, seed: 1 });
    ternarize(model, 0.5, 5);
    const layers = weightLayers(model);
    const costs = nonZeroCosts(model, 'operations');
    const mean = layers.reduce((n, l) => n + costs[l.kernel] * l.matrix.values.length, 0) / layers.reduce((n, l) => n + l.matrix.values.length, 0);
    expect(mean).toBeCloseTo(1, 10);
    // the first conv (30 x 30 positions) against the first dense layer (1 position)
    expect(costs[layers[0].kernel] / costs[layers[6].kernel]).toBeCloseTo(900, 6);
    const memory = nonZeroCosts(model, 'memory');
    expect(Object.keys(memory)).toEqual(layers.map((l) => l.kernel));
    expect(Object.values(memory).every((c) => c > 0)).toBe(true);
  });
});
