// Max or average pooling over windows clipped to the input (padding never counts, as TF's 'same'
// average excludes it), for any layout: where channel ch, row y and column x sit is given by strides.

export interface PoolGeometry {
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  pool: [number, number];
  strides: [number, number];
  /** Padding before the first row and column. */
  top: number;
  left: number;
  max: boolean;
}

/** Element (ch, y, x) at base + ch * channel + y * row + x * column. */
export interface Strides {
  base: number;
  channel: number;
  row: number;
  column: number;
}

export function pool(input: Float32Array, output: Float32Array, g: PoolGeometry, from: Strides, to: Strides): void {
  const [ph, pw] = g.pool;
  const [sh, sw] = g.strides;
  for (let ch = 0; ch < g.c; ch++) {
    for (let y = 0; y < g.oh; y++) {
      const y0 = Math.max(0, y * sh - g.top);
      const y1 = Math.min(g.h, y * sh - g.top + ph);
      for (let x = 0; x < g.ow; x++) {
        const x0 = Math.max(0, x * sw - g.left);
        const x1 = Math.min(g.w, x * sw - g.left + pw);
        let acc = g.max ? -Infinity : 0;
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const v = input[from.base + ch * from.channel + yy * from.row + xx * from.column];
            acc = g.max ? (v > acc ? v : acc) : acc + v;
          }
        }
        output[to.base + ch * to.channel + y * to.row + x * to.column] = g.max ? acc : acc / ((y1 - y0) * (x1 - x0));
      }
    }
  }
}
