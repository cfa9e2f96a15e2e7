import { bipolarQuant, quant, quantRange, roundHalfToEven, ROUNDING } from './qonnx_quant';

describe('QONNX Quant, from its spec', () => {
  test('rounds half to even, like numpy.round', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4999, 0.5001].map(roundHalfToEven)).toEqual([-2, -2, 0, 0, 2, 2, 0, 1]);
  });

  test('integer ranges by bit width, sign and narrow range', () => {
    expect(quantRange(2, { signed: true, narrow: true })).toEqual([-1, 1]);
    expect(quantRange(2, { signed: true, narrow: false })).toEqual([-2, 1]);
    expect(quantRange(8, { signed: true, narrow: true })).toEqual([-127, 127]);
    expect(quantRange(8, { signed: false, narrow: false })).toEqual([0, 255]);
    expect(quantRange(8, { signed: false, narrow: true })).toEqual([0, 254]);
  });

  test('ternary (2 bits, signed, narrow): clamp x / scale to [-1, 1], round, scale back', () => {
    // x / 0.5 = -4, -1, -0.8, -0.5 (ties to even: -0), 0.2, 0.5 (-> 0), 0.6, 1.5 (-> 1 after the clamp), 3
    const x = [-2, -0.5, -0.4, -0.25, 0.1, 0.25, 0.3, 0.75, 1.5];
    expect(Array.from(quant(x, 0.5, 0, 2, { signed: true, narrow: true, roundingMode: 'ROUND' }))).toEqual([-0.5, -0.5, -0.5, 0, 0, 0, 0.5, 0.5, 0.5]);
  });

  test('zero point and the other rounding modes', () => {
    // 4 bits unsigned, scale 0.25, zero point 2: levels 0..15, y = (level - 2) * 0.25
    expect(Array.from(quant([-1, 0.3, 10], 0.25, 2, 4, { signed: false, narrow: false, roundingMode: 'ROUND' }))).toEqual([-0.5, 0.25, 3.25]);
    expect(Array.from(quant([0.3, -0.3], 0.25, 0, 8, { signed: true, narrow: false, roundingMode: 'FLOOR' }))).toEqual([0.25, -0.5]);
    expect(Array.from(quant([0.3, -0.3], 0.25, 0, 8, { signed: true, narrow: false, roundingMode: 'CEIL' }))).toEqual([0.5, -0.25]);
    expect(Array.from(quant([0.3, -0.3], 0.25, 0, 8, { signed: true, narrow: false, roundingMode: 'ROUND_TO_ZERO' }))).toEqual([0.25, -0.25]);
  });

  test("IntQuant's rounding modes, the table of its spec", () => {
    const numbers = [5.5, 2.5, 1.6, 1.1, 1.0, -1.0, -1.1, -1.6, -2.5, -5.5];
    const table: Record<string, number[]> = {
      ROUND: [6, 2, 2, 1, 1, -1, -1, -2, -2, -6],
      CEIL: [6, 3, 2, 2, 1, -1, -1, -1, -2, -5],
      FLOOR: [5, 2, 1, 1, 1, -1, -2, -2, -3, -6],
      UP: [6, 3, 2, 2, 1, -1, -2, -2, -3, -6],
      DOWN: [5, 2, 1, 1, 1, -1, -1, -1, -2, -5],
      HALF_UP: [6, 3, 2, 1, 1, -1, -1, -2, -3, -6],
      HALF_DOWN: [5, 2, 2, 1, 1, -1, -1, -2, -2, -5],
    };
    for (const [mode, expected] of Object.entries(table)) expect({ mode, rounded: numbers.map(ROUNDING[mode as keyof typeof ROUNDING]) }).toEqual({ mode, rounded: expected });
  });

  test('BipolarQuant: sign with sign(0) = +1, times the scale', () => {
    expect(Array.from(bipolarQuant([-3, -0.1, 0, 2], 0.5))).toEqual([-0.5, -0.5, 0.5, 0.5]);
  });
});
