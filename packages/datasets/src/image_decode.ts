// PNG and JPEG files to RGB pixels, in pure JS (no native binary: the package stays small and runs
// wherever Node does). Sizes are checked before any pixel is allocated.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError } from './errors';

/** Pixels [height, width, 3] as bytes, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** 64 megapixels: a 8000x8000 photo; above it a file is refused, not decoded. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

const isPng = (bytes: Uint8Array) => bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
const isJpeg = (bytes: Uint8Array) => bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

function checkSize(width: number, height: number, file: string): void {
  if (!(width > 0 && height > 0)) throw new DatasetError(`image has no pixels (${width}x${height})`, file);
  if (width * height > MAX_IMAGE_PIXELS) throw new DatasetError(`image is ${width}x${height}, above the limit of ${MAX_IMAGE_PIXELS} pixels`, file);
}

/** Drops the alpha channel of RGBA bytes (as PIL's convert('RGB') does). */
function rgbaToRgb(rgba: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    rgb[p * 3] = rgba[p * 4];
    rgb[p * 3 + 1] = rgba[p * 4 + 1];
    rgb[p * 3 + 2] = rgba[p * 4 + 2];
  }
  return rgb;
}

function decodePng(bytes: Buffer, file: string): RgbImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkSize(view.getUint32(16), view.getUint32(20), file); // IHDR, before inflating anything
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, pixels: rgbaToRgb(png.data, png.width * png.height) };
}

function decodeJpeg(bytes: Buffer, file: string): RgbImage {
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: MAX_IMAGE_PIXELS / (1024 * 1024),
    maxMemoryUsageInMB: 1024,
  });
  checkSize(image.width, image.height, file);
  return { width: image.width, height: image.height, pixels: image.data };
}

/** Decodes a PNG or JPEG (told apart by their first bytes, not the file name); anything else is a DatasetError naming the file. */
export function decodeImage(bytes: Buffer, file: string): RgbImage {
  const decode = isPng(bytes) ? decodePng : isJpeg(bytes) ? decodeJpeg : undefined;
  if (!decode) throw new DatasetError('not a PNG or JPEG image', file);
  try {
    return decode(bytes, file);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(`cannot decode image: ${(error as Error).message}`, file);
  }
}
