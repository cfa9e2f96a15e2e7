import { bestFolding, estimateLayer, fitText, ZYNQ_7020, type FpgaDevice, type WeightLayer } from './index';

const layer = (rows: number, cols: number, positions = 1, density = 1): WeightLayer => ({
  name: `l${rows}x${cols}`,
  kernel: `l${rows}x${cols}/kernel`,
  kind: positions > 1 ? 'conv' : 'dense',
  matrix: { rows, cols, values: Int8Array.from({ length: rows * cols }, (_, i) => (i % Math.round(1 / density) === 0 ? 1 : 0)) },
  positions,
  levels: 'ternary',
  alpha: 1,
  scales: 1,
  inputElements: cols,
  inputBits: 2,
});

describe('MVAU estimates (FINN formulas), by hand', () => {
  test('64 x 32 dense layer, PE 4, SIMD 8, 2-bit weights and activations: weights in LUTRAM', () => {
    // cycles 16 * 4; LUTs 300 + 1.1 * 4 * (mult 32 + adders 60 + accumulator 9 + thresholds 27 + comparators 27) + LUTRAM 4*8*2*1
    expect(estimateLayer(layer(64, 32), 'ternary', { pe: 4, simd: 8 }, 2)).toEqual({ pe: 4, simd: 8, cycles: 64, luts: 1046, bram36: 0 });
  });

  test('1024 x 1024, fully folded: 2-bit weights take 128 RAMB18 (64 BRAM36), 1-bit half that', () => {
    expect(estimateLayer(layer(1024, 1024), 'ternary', { pe: 1, simd: 1 }, 2).bram36).toBe(64);
    expect(estimateLayer(layer(1024, 1024), 'binary', { pe: 1, simd: 1 }, 2).bram36).toBe(32);
    expect(estimateLayer(layer(1024, 1024), 'ternary', { pe: 1, simd: 1 }, 2).cycles).toBe(1024 * 1024);
  });

  test('the sparse variant stores the non-zeros only, split by capacity over the PEs', () => {
    expect(estimateLayer(layer(1024, 1024), 'sparse-ternary', { pe: 2, simd: 1 }, 2, 100000).bram36).toBe(4);
    expect(estimateLayer(layer(1024, 1024), 'sparse-ternary', { pe: 2, simd: 1 }, 2, 400).bram36).toBe(0);
  });

  test('4 x 8, fully folded: 2-bit activations against float ones (a 32-bit datapath, no thresholds)', () => {
    // a = 2: 300 + 1.1 * (mult 1*(2*1-1)*4 + adders 4*1 + accumulator 2+2+3 + thresholds 3*7*1 + comparators 3*7) + LUTRAM 1*1*2*1 = 364.7
    expect(estimateLayer(layer(4, 8), 'ternary', { pe: 1, simd: 1 }, 2).luts).toBe(365);
    // a = 32: 300 + 1.1 * (mult (2*6-1)*34 + adders 34 + accumulator 2+32+3) + LUTRAM 2 = 791.5
    expect(estimateLayer(layer(4, 8), 'ternary', { pe: 1, simd: 1 }, 32).luts).toBe(792);
  });

  test('a convolution repeats its matrix over its output positions', () => {
    expect(estimateLayer(layer(64, 576, 100), 'ternary', { pe: 8, simd: 16 }, 2).cycles).toBe(100 * 8 * 36);
  });
});

describe('bestFolding', () => {
  const layers = [layer(256, 784), layer(256, 256), layer(10, 256)];

  test('unfolds the slowest layers within the device and only there', () => {
    const folded = bestFolding(layers, 'ternary', ZYNQ_7020);
    expect(folded.fits).toBe(true);
    expect(folded.luts).toBeLessThanOrEqual(ZYNQ_7020.luts);
    expect(folded.cyclesPerFrame).toBe(Math.max(...folded.layers.map((l) => l.cycles)));
    expect(folded.framesPerSecond).toBe(100e6 / folded.cyclesPerFrame);
    // faster than the fully folded design by far, and every folding divides its matrix
    expect(folded.cyclesPerFrame).toBeLessThan(256 * 784 / 50);
    folded.layers.forEach((f, i) => {
      expect(layers[i].matrix.rows % f.pe).toBe(0);
      expect(layers[i].matrix.cols % f.simd).toBe(0);
    });
  });

  test('a smaller device gives a slower design; 1-bit weights fit more parallelism than 2-bit', () => {
    const small: FpgaDevice = { name: 'small', luts: 8000, bram36: 20, dsps: 0, clockMHz: 100 };
    expect(bestFolding(layers, 'ternary', small).framesPerSecond).toBeLessThan(bestFolding(layers, 'ternary', ZYNQ_7020).framesPerSecond);
    expect(bestFolding(layers, 'binary', small).framesPerSecond).toBeGreaterThanOrEqual(bestFolding(layers, 'ternary', small).framesPerSecond);
  });

  test('a network without weight layers costs nothing and takes a cycle a frame', () => {
    const none = bestFolding([], 'sparse-ternary', ZYNQ_7020);
    expect([none.luts, none.bram36, none.cyclesPerFrame, none.framesPerSecond, none.fits]).toEqual([0, 0, 1, ZYNQ_7020.clockMHz * 1e6, true]);
  });
});

test("an estimate that does not fit says which resources it exceeds and by how much", () => {
  const device: FpgaDevice = { name: 'tiny', luts: 1000, bram36: 10, dsps: 0, clockMHz: 100 };
  const over = { device, luts: 1500, bram36: 12.5 } as Parameters<typeof fitText>[0];
  expect(fitText(over)).toBe('no: 1,500 LUTs of 1,000 (1.50x), 12.5 BRAM36 of 10 (1.25x)');
  expect(fitText({ ...over, luts: 900 })).toBe('no: 12.5 BRAM36 of 10 (1.25x)');
  expect(fitText({ ...over, luts: 900, bram36: 10 })).toBe('yes');
});
