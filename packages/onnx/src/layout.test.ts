import { compose, invert, NCHW, NHWC, relayout, reorderFlattenedRows, transposeFloats } from './layout';

describe('layouts', () => {
  test('NHWC and NCHW are inverse permutations; compose follows transpose-then-transpose', () => {
    expect(invert(NHWC)).toEqual([...NCHW]);
    expect(compose(NHWC, NCHW)).toEqual([0, 1, 2, 3]);
    expect(relayout([0, 1, 2, 3], NHWC)).toEqual([0, 2, 3, 1]);
  });

  test('transposes a [2, 3] matrix and a [1, 2, 2, 2] tensor to channels-last', () => {
    expect(Array.from(transposeFloats([1, 2, 3, 4, 5, 6], [2, 3], [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    // channel 0: 1 2 / 3 4, channel 1: 5 6 / 7 8 -> pixels (1,5) (2,6) (3,7) (4,8)
    expect(Array.from(transposeFloats([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2], NHWC))).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
  });

  test('reorders dense rows between (h, w, c) and (c, h, w) flatten orders', () => {
    // h = 1, w = 2, c = 2, one unit: rows in (c, h, w) order are c0w0, c0w1, c1w0, c1w1.
    const chw = Float32Array.of(10, 11, 20, 21);
    const hwc = reorderFlattenedRows(chw, [1, 2, 2], 1, false);
    expect(Array.from(hwc)).toEqual([10, 20, 11, 21]);
    expect(Array.from(reorderFlattenedRows(hwc, [1, 2, 2], 1, true))).toEqual([10, 11, 20, 21]);
  });
});
