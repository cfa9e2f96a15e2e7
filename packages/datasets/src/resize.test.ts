import reference from './testing/pil_reference.json';
import { centerCrop, resizeAndCrop, resizeBilinear, toGray, type ByteImage } from './resize';

// pil_reference.json: a seeded 13x9 RGB image and PIL 9.4 / torchvision 0.14's results (make_pil_reference.py).
const image: ByteImage = { width: reference.width, height: reference.height, channels: 3, pixels: Uint8Array.from(reference.pixels) };

/** Largest difference between two byte arrays of the same length. */
function maxDifference(actual: Uint8Array, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  return actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
}

describe('resizing as PIL and torchvision do', () => {
  // PIL rounds in 22-bit fixed point, we in float64: a byte may differ by one.
  it.each([
    ['shrinks with antialiasing', 5, 4, reference.shrink_5x4],
    ['enlarges', 20, 15, reference.enlarge_20x15],
  ])('%s (Image.resize BILINEAR)', (_, width, height, expected) => {
    const out = resizeBilinear(image, width, height);
    expect([out.width, out.height]).toEqual([width, height]);
    expect(maxDifference(out.pixels, expected)).toBeLessThanOrEqual(1);
  });

  it.each([
    [6, reference.resize_crop_6],
    [16, reference.resize_crop_16],
  ])('Resize(%i) then CenterCrop keeps the aspect ratio and takes the centre', (size, expected) => {
    const out = resizeAndCrop(image, size, size);
    expect(maxDifference(out.pixels, expected)).toBeLessThanOrEqual(1);
  });

  it('a constant image stays constant, and a same-size image is returned as is', () => {
    const flat: ByteImage = { width: 7, height: 3, channels: 1, pixels: new Uint8Array(21).fill(77) };
    expect([...resizeBilinear(flat, 3, 2).pixels]).toEqual(new Array(6).fill(77));
    expect(resizeAndCrop(flat, 7, 3)).toBe(flat);
  });

  it('centre crop offsets round halves to even, as Python does', () => {
    // 5 columns to 2: offset (5 - 2) / 2 = 1.5 -> 2.
    const row: ByteImage = { width: 5, height: 1, channels: 1, pixels: Uint8Array.from([0, 1, 2, 3, 4]) };
    expect([...centerCrop(row, 2, 1).pixels]).toEqual([2, 3]);
  });

  it('grey levels match PIL convert("L") exactly', () => {
    expect(maxDifference(toGray(image).pixels, reference.gray)).toBe(0);
  });
});
