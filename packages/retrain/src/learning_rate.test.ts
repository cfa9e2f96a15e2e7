import { constantRate, cosineDecay, stageRate, stepDecay, withWarmup } from './learning_rate';

describe('learning-rate schedules, hand-computed', () => {
  test('step decay multiplies by gamma every `every` steps', () => {
    expect([0, 9, 10, 25].map(stepDecay(0.1, 10, 0.5))).toEqual([0.1, 0.1, 0.05, 0.025]);
  });
  test('cosine decay runs from the rate to the minimum over the steps', () => {
    const s = cosineDecay(1, 100, 0.1);
    expect([s(0), s(50), s(100), s(500)]).toEqual([1, expect.closeTo(0.55, 10), expect.closeTo(0.1, 10), expect.closeTo(0.1, 10)]);
  });
  test('warm-up ramps linearly to the schedule', () => {
    const s = withWarmup(constantRate(0.1), 4);
    expect([0, 1, 3, 4, 10].map(s)).toEqual([0.025, 0.05, 0.1, 0.1, 0.1].map((v) => expect.closeTo(v, 12)));
  });
});

describe("a stage's schedule by name, over its 10 epochs of 20 steps (200 steps), hand-computed", () => {
  const at = (steps: number[], spec: Parameters<typeof stageRate>[0]) => steps.map(stageRate(spec, 20, 10));
  test('constant, with 2 epochs of warmup: rate (k+1)/40 for the first 40 steps', () => {
    expect(at([0, 19, 39, 40, 199], { schedule: 'constant', rate: 0.4 })).toEqual([0.4, 0.4, 0.4, 0.4, 0.4]);
    expect(at([0, 19, 39, 40, 199], { schedule: 'constant', rate: 0.4, warmupEpochs: 2 })).toEqual([0.01, 0.2, 0.4, 0.4, 0.4].map((v) => expect.closeTo(v, 12)));
  });
  test('cosine: from the rate to 0 over the steps after the warmup', () => {
    expect(at([0, 100, 199], { schedule: 'cosine', rate: 0.1 })).toEqual([0.1, 0.05, 0.1 * (1 + Math.cos((Math.PI * 199) / 200)) / 2].map((v) => expect.closeTo(v, 12)));
    // warmup of 40 steps, then 160 of cosine: halfway at step 120
    expect(at([0, 40, 120], { schedule: 'cosine', rate: 0.1, warmupEpochs: 2 })).toEqual([0.1 / 40, 0.1, 0.05].map((v) => expect.closeTo(v, 12)));
  });
  test('step: x0.1 at half and at three quarters of the stage', () => {
    expect(at([0, 99, 100, 149, 150, 199], { schedule: 'step', rate: 0.1 })).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.001].map((v) => expect.closeTo(v, 12)));
  });
  test("one-cycle: torch's OneCycleLR (rate/25 up to the rate over 30% of the steps, then down to rate/25e4), or rising over the warmup", () => {
    expect(at([0, 30, 60, 130, 200], { schedule: 'one-cycle', rate: 1 })).toEqual([1 / 25, (1 / 25 + 1) / 2, 1, (1 + 1 / 25e4) / 2, 1 / 25e4].map((v) => expect.closeTo(v, 12)));
    expect(at([20, 40], { schedule: 'one-cycle', rate: 1, warmupEpochs: 2 })).toEqual([(1 / 25 + 1) / 2, 1].map((v) => expect.closeTo(v, 12)));
  });
});
