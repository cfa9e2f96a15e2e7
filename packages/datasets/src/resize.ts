// Resizing as torchvision does on PIL images (transforms.Resize then CenterCrop): PIL's bilinear
// filter, which widens with the scale factor when shrinking (antialiasing), applied horizontally
// then vertically, each pass rounded to bytes.

/** Pixels [height, width, channels] as bytes. */
export interface ByteImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

/** For each output coordinate: the first input index and the normalized weights of the inputs from there. */
function filterTaps(inSize: number, outSize: number): { first: Int32Array; weights: Float64Array[] } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // bilinear's support is 1 input pixel, stretched when shrinking
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w = new Float64Array(hi - lo);
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const x = Math.abs((j - center + 0.5) / filterScale);
      w[j - lo] = x < 1 ? 1 - x : 0;
      total += w[j - lo];
    }
    if (total > 0) for (let k = 0; k < w.length; k++) w[k] /= total;
    first[i] = lo;
    weights.push(w);
  }
  return { first, weights };
}

const toByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Resamples along x (`horizontal`) or y to `outSize`. */
function resamplePass(image: ByteImage, outSize: number, horizontal: boolean): ByteImage {
  const { width, height, channels: c, pixels } = image;
  const { first, weights } = filterTaps(horizontal ? width : height, outSize);
  const outWidth = horizontal ? outSize : width;
  const outHeight = horizontal ? height : outSize;
  const out = new Uint8Array(outWidth * outHeight * c);
  // Stride between neighbouring taps, and between neighbouring outputs along the other axis.
  const tapStride = horizontal ? c : width * c;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const i = horizontal ? x : y;
      const w = weights[i];
      const base = horizontal ? (y * width + first[i]) * c : (first[i] * width + x) * c;
      const o = (y * outWidth + x) * c;
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let t = 0; t < w.length; t++) sum += w[t] * pixels[base + t * tapStride + k];
        out[o + k] = toByte(sum);
      }
    }
  }
  return { width: outWidth, height: outHeight, channels: c, pixels: out };
}

/** PIL's Image.resize((width, height), BILINEAR). */
export function resizeBilinear(image: ByteImage, width: number, height: number): ByteImage {
  const across = image.width === width ? image : resamplePass(image, width, true);
  return across.height === height ? across : resamplePass(across, height, false);
}

/** Python's round(): halves go to the even neighbour (torchvision's crop offsets use it). */
const roundHalfEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** The central height x width window. */
export function centerCrop(image: ByteImage, width: number, height: number): ByteImage {
  const top = roundHalfEven((image.height - height) / 2);
  const left = roundHalfEven((image.width - width) / 2);
  const c = image.channels;
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * c;
    out.set(image.pixels.subarray(from, from + width * c), y * width * c);
  }
  return { width, height, channels: c, pixels: out };
}

/**
 * Scales the image so that it covers width x height with its aspect ratio kept (the shorter side
 * fits exactly, as torchvision's Resize(size) does), then crops the centre.
 */
export function resizeAndCrop(image: ByteImage, width: number, height: number): ByteImage {
  if (image.width === width && image.height === height) return image;
  const byHeight = height / image.height >= width / image.width;
  const scaledWidth = byHeight ? Math.max(width, Math.trunc((image.width * height) / image.height)) : width;
  const scaledHeight = byHeight ? height : Math.max(height, Math.trunc((image.height * width) / image.width));
  return centerCrop(resizeBilinear(image, scaledWidth, scaledHeight), width, height);
}

/** RGB to luminance as PIL's convert('L') does (ITU-R 601-2 in 16-bit fixed point). */
export function toGray(image: ByteImage): ByteImage {
  const n = image.width * image.height;
  const gray = new Uint8Array(n);
  const p = image.pixels;
  for (let i = 0; i < n; i++) gray[i] = (p[i * 3] * 19595 + p[i * 3 + 1] * 38470 + p[i * 3 + 2] * 7471 + 0x8000) >> 16;
  return { width: image.width, height: image.height, channels: 1, pixels: gray };
}
