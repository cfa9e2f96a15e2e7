// A quantized activation's levels in float32, each operation rounded to float32 as TF.js rounds it,
// so the packed model gives the trained model's outputs exactly.

/** The nearest integer, ties to the even one (TF.js's and onnxruntime's Round). */
const roundToEven = (v: number): number => {
  const nearest = Math.round(v);
  return nearest - v === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest;
};

/** The step of `size` values: binary (bits 1) or uniform levels up to `clip` (the format's 'quantize' layer). */
export function quantizer(bits: number, signed: boolean, clip: number, size: number): (input: Float32Array, output: Float32Array) => void {
  if (bits === 1) {
    return (input, output) => {
      for (let i = 0; i < size; i++) output[i] = input[i] >= 0 ? 1 : -1;
    };
  }
  const step = Math.fround(clip / (signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1));
  const lower = signed ? -clip : 0;
  return (input, output) => {
    for (let i = 0; i < size; i++) output[i] = roundToEven(Math.fround(Math.min(Math.max(input[i], lower), clip) / step)) * step;
  };
}
