// Where a convolution's or pooling's windows fall on an image, as TF.js places them: 'valid', or
// 'same' (ceil(size / stride) outputs, the padding split with the odd row at the bottom).
import { CompileError } from '../errors';
import { pair } from './layer_fields';
import type { StepGraph } from './step_graph';

export interface WindowGeometry {
  kernel: [number, number];
  strides: [number, number];
  /** ONNX's pads: top, left, bottom, right. */
  pads: [number, number, number, number];
  /** The output's rows and columns. */
  out: [number, number];
  /** ConvTranspose's output_padding that gives back the input's size (rows that no window's last stride reached). */
  outputPadding: [number, number];
}

export function windowGeometry(layer: string, config: Record<string, unknown>, kernel: [number, number], strides: [number, number], size: [number, number]): WindowGeometry {
  if (pair(config.dilationRate ?? 1).some((d) => d !== 1) || (config.dataFormat ?? 'channelsLast') !== 'channelsLast') throw new CompileError('only undilated, channels-last windows are compiled', layer);
  const axis = (i: 0 | 1) => {
    const out = config.padding === 'same' ? Math.ceil(size[i] / strides[i]) : Math.floor((size[i] - kernel[i]) / strides[i]) + 1;
    const total = config.padding === 'same' ? Math.max((out - 1) * strides[i] + kernel[i] - size[i], 0) : 0;
    const before = Math.floor(total / 2);
    return { out, before, after: total - before, outputPadding: size[i] + total - kernel[i] - strides[i] * (out - 1) };
  };
  const [rows, columns] = [axis(0), axis(1)];
  return { kernel, strides, pads: [rows.before, columns.before, rows.after, columns.after], out: [rows.out, columns.out], outputPadding: [rows.outputPadding, columns.outputPadding] };
}

/** The image `value` ([N, C, H, W]) padded with zeros as the windows see it. */
export function padded(graph: StepGraph, value: string, { pads: [top, left, bottom, right] }: WindowGeometry): string {
  return top || left || bottom || right ? graph.op('Pad', [value, graph.ints([0, 0, top, left, 0, 0, bottom, right])]) : value;
}

/**
 * For each kernel position (row-major), what it reads of the padded image `value` at every output
 * position: a strided Slice along `axes` (the rows' and columns' axes of value's layout).
 */
export function windowSlices(graph: StepGraph, value: string, { kernel: [kh, kw], strides: [sh, sw], out: [oh, ow] }: WindowGeometry, axes: [number, number]): string[] {
  const slices: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) slices.push(graph.op('Slice', [value, graph.ints([ky, kx]), graph.ints([ky + sh * (oh - 1) + 1, kx + sw * (ow - 1) + 1]), graph.ints(axes), graph.ints([sh, sw])]));
  }
  return slices;
}
