import { constantRate, cosineDecay, stepDecay, withWarmup } from './learning_rate';

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
