// Padding of 2D windows (Conv, pooling) in both conventions: ONNX's explicit pads
// [top, left, bottom, right] and auto_pad, and TF.js's 'valid' / 'same'.

export type Pads = [number, number, number, number];

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
}

/** TF 'same' padding, which is ONNX's SAME_UPPER: the odd pixel goes at the end. */
export function samePads([h, w]: readonly number[], { kernel, strides, dilations }: Window, lower = false): Pads {
  const along = (size: number, k: number, s: number, d: number) => {
    const total = Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
    const small = Math.floor(total / 2);
    return lower ? [total - small, small] : [small, total - small];
  };
  const [top, bottom] = along(h, kernel[0], strides[0], dilations[0]);
  const [left, right] = along(w, kernel[1], strides[1], dilations[1]);
  return [top, left, bottom, right];
}

export const zeroPads = (pads: Pads) => pads.every((p) => p === 0);
export const samePadsAs = (a: Pads, b: Pads) => a.every((p, i) => p === b[i]);
