// Reads the window attributes shared by Conv and the pooling ops, and picks the TF.js padding
// that reproduces them: 'valid', 'same', or explicit pads applied by a padding layer first.
import type { OnnxNode } from '../read_model';
import { samePads, samePadsAs, zeroPads, type Pads, type Window } from '../spatial_padding';
import { attr, unsupported } from './context';

export interface WindowPadding {
  window: Window;
  padding: 'valid' | 'same';
  /** Pads a layer before the op must add (then the op runs 'valid'). */
  explicit?: Pads;
}

const pair = (values: number[] | undefined, fallback: number, what: string): [number, number] => {
  if (values === undefined) return [fallback, fallback];
  if (values.length !== 2) unsupported(`${what} has ${values.length} values; only 2D windows are supported`);
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 65536)) unsupported(`${what} [${values}] is out of range`);
  return [values[0], values[1]];
};

export function windowPadding(node: OnnxNode, spatial: readonly number[], kernel: [number, number], options: { sameAllowed?: boolean; ceilExtra?: boolean } = {}): WindowPadding {
  const window: Window = {
    kernel,
    strides: pair(attr.ints(node, 'strides'), 1, 'strides'),
    dilations: pair(attr.ints(node, 'dilations'), 1, 'dilations'),
  };
  const autoPad = attr.string(node, 'auto_pad', 'NOTSET');
  let pads: Pads;
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') pads = samePads(spatial, window, autoPad === 'SAME_LOWER');
  else if (autoPad === 'NOTSET' || autoPad === '') {
    const given = attr.ints(node, 'pads', [0, 0, 0, 0])!;
    if (given.length !== 4) unsupported(`pads has ${given.length} values; only 2D windows are supported`);
    if (given.some((p) => !Number.isInteger(p) || p < 0 || p > 65536)) unsupported(`pads [${given}] are out of range`);
    pads = given as Pads;
  } else return unsupported(`auto_pad ${autoPad} is not supported`);
  if (attr.int(node, 'ceil_mode', 0)) {
    if (!options.ceilExtra) unsupported('ceil_mode=1 is not supported for this op');
    // Ceil mode adds one more window where the padded input leaves a remainder: pad the end for it.
    const extra = [0, 1].map((axis) => {
      const span = spatial[axis] + pads[axis] + pads[axis + 2] - ((kernel[axis] - 1) * window.dilations[axis] + 1);
      const rest = span % window.strides[axis];
      return rest === 0 ? 0 : window.strides[axis] - rest;
    });
    pads = [pads[0], pads[1], pads[2] + extra[0], pads[3] + extra[1]];
  }
  if (zeroPads(pads)) return { window, padding: 'valid' };
  if (options.sameAllowed !== false && samePadsAs(pads, samePads(spatial, window))) return { window, padding: 'same' };
  return { window, padding: 'valid', explicit: pads };
}
