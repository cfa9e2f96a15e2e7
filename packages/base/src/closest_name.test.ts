import { closestName, didYouMean } from './closest_name';

test('the closest candidate within a third of the letters (at least 2) is suggested; nothing when none is close', () => {
  expect(closestName('compres', ['compress', 'export', 'cost'])).toBe('compress');
  expect(closestName('lerningRate', ['learningRate', 'lrSchedule'])).toBe('learningRate');
  expect(closestName('EXPROT', ['export', 'eval'])).toBe('export');
  // Equally close: the one that starts alike.
  expect(closestName('sed', ['std', 'seed'])).toBe('seed');
  expect(closestName('banana', ['compress', 'export'])).toBeUndefined();
  expect(didYouMean('evl', ['eval', 'export'])).toBe(' (did you mean eval?)');
  expect(didYouMean('zzz', ['eval'])).toBe('');
});
