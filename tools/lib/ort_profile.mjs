// onnxruntime's profile of a session (enableProfiling), summed per step: by operator type, and the
// slowest nodes with their input shapes.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Reads and deletes the newest `<prefix>_<date>.json`; times in ms per step over `steps` steps. */
export function summarizeProfile(prefix, steps, top = 14) {
  const dir = path.dirname(prefix);
  const file = path.join(dir, readdirSync(dir).filter((f) => f.startsWith(`${path.basename(prefix)}_`)).sort().at(-1));
  // A Scan node's time is its body's nodes' (the compiled steps run in one), counted once.
  const events = JSON.parse(readFileSync(file, 'utf8')).filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.args.op_name !== 'Scan');
  rmSync(file);
  const byOp = {};
  const byNode = {};
  for (const e of events) {
    byOp[e.args.op_name] = (byOp[e.args.op_name] ?? 0) + e.dur / 1000 / steps;
    byNode[e.name] ??= { op: e.args.op_name, shapes: JSON.stringify(e.args.input_type_shape?.map((t) => Object.values(t)[0])), ms: 0 };
    byNode[e.name].ms += e.dur / 1000 / steps;
  }
  return {
    byOp: Object.entries(byOp).sort((a, c) => c[1] - a[1]),
    slowest: Object.values(byNode).sort((a, c) => c.ms - a.ms).slice(0, top),
  };
}

/** The summary as two lines and an indented list. */
export function formatProfile({ byOp, slowest }) {
  return [
    'per step, by operator (ms): ' + byOp.map(([op, ms]) => `${op} ${ms.toFixed(1)}`).join(', '),
    'slowest nodes (ms per step):',
    ...slowest.map((n) => `  ${n.op} ${n.shapes} ${n.ms.toFixed(1)}`),
  ].join('\n');
}
