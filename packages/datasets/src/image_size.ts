// The size images are resized to, as users write it: 'n' (square) or 'height,width'.

/** [height, width] of 'n' or 'h,w' (positive integers up to 16384); throws a RangeError saying what it expects. */
export function parseImageSize(text: string): [number, number] {
  const parts = text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (parts.length > 2 || !parts.every((v) => Number.isInteger(v) && v > 0 && v <= 16384)) {
    throw new RangeError(`expected n or height,width (integers 1-16384), got '${text}'`);
  }
  return [parts[0], parts[parts.length - 1]];
}
