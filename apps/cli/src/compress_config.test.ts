import { DEFAULTS, mergeConfig } from './compress_config';

describe('mergeConfig: defaults, then the config file, then the flags', () => {
  test('the defaults use a target sparsity of 0.95 without QTR', () => {
    expect(mergeConfig({}, {})).toMatchObject({ qtr: 'none', targetSparsity: 0.95, t: 0.7 });
  });

  test('-t alone replaces the default target sparsity with Delta = t mean|w|', () => {
    const config = mergeConfig({}, { t: 2 });
    expect(config.t).toBe(2);
    expect(config.targetSparsity).toBeUndefined();
  });

  test('the threshold rule comes whole from the last source that sets one', () => {
    expect(mergeConfig({ t: 2 }, {}).targetSparsity).toBeUndefined();
    expect(mergeConfig({ t: 2 }, { targetSparsity: 0.9 })).toMatchObject({ t: 2, targetSparsity: 0.9 });
    // a resolved run.json holds both; resuming it keeps its target sparsity
    expect(mergeConfig({ t: 0.7, targetSparsity: 0.98 }, { seed: 4 })).toMatchObject({ targetSparsity: 0.98, seed: 4 });
    expect(mergeConfig({ t: 0.7, targetSparsity: 0.98 }, { t: 1.5 }).targetSparsity).toBeUndefined();
    expect(mergeConfig({ qtr: 'cost' }, {})).toMatchObject({ qtr: 'cost', targetSparsity: DEFAULTS.targetSparsity });
  });
});
