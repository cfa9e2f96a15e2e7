import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { float, GraphBuilder } from './onnx_graph';
import { checkOrtBinding, loadSyncSession } from './ort_binding';

const options = { intraOpNumThreads: 1, allowSpinning: false };

describe("onnxruntime-node's synchronous binding", () => {
  test('is pinned to an exact version, the one installed', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    const pinned = manifest.dependencies['onnxruntime-node'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = createRequire(__filename)('onnxruntime-node/package.json').version;
    expect(installed).toBe(pinned);
    expect(manifest.dependencies['onnxruntime-common']).toBe(pinned);
  });

  test('still has the shape the engine calls (fails loudly if an upgrade changes it)', () => {
    expect(() => checkOrtBinding()).not.toThrow();
  });

  test('runs a graph synchronously and returns its outputs', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [3]);
    const y = g.op('LeakyRelu', [g.op('Sub', [a, b])], { alpha: float(0.5) });
    g.output(y, 'float32');
    const session = loadSyncSession(g.build(), options);
    const result = session.run({
      a: { type: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [2, 3] },
      b: { type: 'float32', data: Float32Array.from([2, 2, 2]), dims: [3] },
    });
    expect(result).not.toBeInstanceOf(Promise);
    expect(Array.from(result[y].data as Float32Array)).toEqual([-0.5, 0, 1, 2, 3, 4]);
    expect(result[y].dims).toEqual([2, 3]);
    session.dispose();
  });

  test('rejects malformed model bytes with an error, not a crash', () => {
    expect(() => loadSyncSession(Uint8Array.from([1, 2, 3, 4, 5]), options)).toThrow();
  });
});

describe('GraphBuilder', () => {
  test('encodes nodes, typed attributes, int64 initializers and shaped inputs', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 4]);
    const y = g.op('Pad', [x, g.constInt64([0, 1, 0, 2])], { mode: 'constant' });
    g.output(y, 'float32');
    const model = onnxProto.onnx.ModelProto.decode(g.build());
    expect(Number(model.opsetImport[0].version)).toBe(17);
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const [node] = graph.node;
    expect(node.opType).toBe('Pad');
    expect(new TextDecoder().decode(node.attribute![0].s!)).toBe('constant');
    expect(graph.initializer[0].int64Data!.map(Number)).toEqual([0, 1, 0, 2]);
    expect(graph.input[0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([1, 4]);
    const session = loadSyncSession(g.build(), options);
    const out = session.run({ x: { type: 'float32', data: Float32Array.from([1, 2, 3, 4]), dims: [1, 4] } });
    expect(Array.from(out[y].data as Float32Array)).toEqual([0, 1, 2, 3, 4, 0, 0]);
  });
});
