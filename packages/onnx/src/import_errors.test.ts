// Bad input: every malformed or unsupported model gives an ImportError naming the file, node or
// value, never a crash, a hang or a huge allocation.
import { GraphBuilder, initEngine } from '@sparse-ternary/engine';
import { seededRandom } from '@sparse-ternary/base';
import { readFileSync } from 'node:fs';
import { ImportError, importOnnx } from './index';
import { proto } from './proto';
import { referenceModel } from './testing/reference_models';

beforeAll(() => initEngine({ backend: 'cpu' }));

function importError(run: () => unknown): ImportError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('no ImportError');
}

/** A graph [N, 4] -> y built by `body`, with its initializers. */
function model(body: (b: GraphBuilder) => string, opset = 13): Uint8Array {
  const b = new GraphBuilder();
  b.input('x', 'float32', ['N', 4, 3, 3]);
  b.rename(body(b), 'y');
  b.output('y', 'float32');
  return b.build({ opset });
}

const edited = (bytes: Uint8Array, edit: (m: ReturnType<typeof proto.ModelProto.decode>) => void) => {
  const m = proto.ModelProto.decode(bytes);
  edit(m);
  return proto.ModelProto.encode(m).finish();
};

describe('ImportError', () => {
  test('lists every unsupported node with its op type, name and opset', () => {
    const bytes = model((b) => {
      const a = b.op('Foo', ['x'], {}, { name: 'custom' });
      const c = b.op('Conv', ['x', b.initializer('w', 'float32', new Float32Array(3 * 2 * 1), [3, 2, 1, 1])], { group: 2 }, { name: 'grouped' });
      const r = b.op('Relu', [a], {}, { name: 'after_custom' });
      return b.op('Concat', [r, c, b.op('LSTM', ['x'], {}, { name: 'rnn' })], { axis: 1 });
    });
    const error = importError(() => importOnnx(bytes));
    expect(error.problems.map((p) => [p.opType, p.node, p.opset])).toEqual([
      ['Foo', 'custom', 13],
      ['Conv', 'grouped', 13],
      ['LSTM', 'rnn', 13],
    ]);
    expect(error.problems[1].reason).toMatch(/3 filters do not split into 2 groups/);
    expect(error.message).toContain("Foo node 'custom' (opset 13): op not supported");
  });

  test('a Pad wider than the image it pads (a tiny model that would cost gigabytes) is an ImportError naming it', () => {
    const error = importError(() => importOnnx(model((b) => b.op('Pad', ['x', b.constInt64([0, 0, 400, 0, 0, 0, 400, 0])], {}, { name: 'huge_pad' }))));
    expect(error.problems.map((p) => [p.opType, p.node])).toEqual([['Pad', 'huge_pad']]);
    expect(error.problems[0].reason).toBe('pads [0,0,400,0,0,0,400,0] are wider than the [3, 3] image they pad');
  });

  test('resizing forms TF.js does not compute exactly are named', () => {
    const scales = (b: GraphBuilder) => b.constFloat([1, 1, 2, 2], [4]);
    const error = importError(() =>
      importOnnx(model((b) => {
        const nearest = b.op('Resize', ['x', '', scales(b)], { mode: 'nearest' }, { name: 'nearest_half_pixel' });
        const cubic = b.op('Resize', ['x', '', scales(b)], { mode: 'cubic' }, { name: 'cubic' });
        const channels = b.op('Resize', ['x', '', b.constFloat([1, 2, 2, 2], [4])], { mode: 'linear' }, { name: 'channels' });
        return b.op('Concat', [nearest, cubic, channels], { axis: 1 });
      })),
    );
    expect(error.problems.map((p) => [p.node, p.reason])).toEqual([
      ['nearest_half_pixel', expect.stringMatching(/nearest resizing with half_pixel coordinates and nearest_mode round_prefer_floor is not supported/)],
      ['cubic', "mode 'cubic' is not supported (nearest, linear)"],
      ['channels', 'scales [1,2,2,2] resize the batch or the channels'],
    ]);
  });

  test('names a custom domain it does not know', () => {
    const error = importError(() => importOnnx(model((b) => b.op('Relu', [b.op('Thing', ['x'], {}, { name: 'mine', domain: 'com.example' })]))));
    expect(error.problems[0].reason).toBe("domain 'com.example' is not supported");
  });

  test('random bytes, an empty file and a truncated model', () => {
    const random = seededRandom(1);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    expect(importError(() => importOnnx(noise)).message).toMatch(/^<bytes>: /);
    expect(importError(() => importOnnx(new Uint8Array())).message).toMatch(/no graph/);
    const lenet = readFileSync(referenceModel('lenet'));
    expect(importError(() => importOnnx(lenet.subarray(0, lenet.length / 2))).message).toMatch(/protobuf decoding failed|no graph|produced by no node/);
  });

  test('a missing file is named', () => {
    const error = importError(() => importOnnx('/nonexistent/model.onnx'));
    expect(error.source).toBe('/nonexistent/model.onnx');
    expect(error.message).toMatch(/ENOENT/);
  });

  test('a cycle names its nodes', () => {
    const bytes = edited(model((b) => b.op('Relu', ['x'])), (m) => {
      m.graph!.node = [
        { opType: 'Relu', name: 'A', input: ['b'], output: ['a'] },
        { opType: 'Relu', name: 'B', input: ['a'], output: ['b'] },
        { opType: 'Add', name: 'C', input: ['x', 'a'], output: ['y'] },
      ];
    });
    expect(importError(() => importOnnx(bytes)).message).toMatch(/cycle through nodes 'A', 'B', 'C'/);
  });

  test('a node reading a value nothing produces', () => {
    const bytes = edited(model((b) => b.op('Relu', ['x'])), (m) => {
      m.graph!.node![0].input = ['ghost'];
      m.graph!.node![0].name = 'reader';
    });
    expect(importError(() => importOnnx(bytes)).message).toMatch(/node 'reader' \(Relu\) reads 'ghost', which no node, graph input or initializer produces/);
  });

  test('negative, huge and over-the-limit dimensions are refused before allocating', () => {
    const withDims = (dims: number[]) =>
      edited(model((b) => b.op('MatMul', ['x', b.initializer('w', 'float32', [1], [1])])), (m) => {
        m.graph!.initializer![0].dims = dims;
      });
    expect(importError(() => importOnnx(withDims([-3]))).message).toMatch(/tensor 'w' has dimension -3/);
    expect(importError(() => importOnnx(withDims([2 ** 20, 2 ** 20]))).message).toMatch(/more than the limit of 268435456 elements/);
    const lenet = referenceModel('lenet');
    expect(importError(() => importOnnx(lenet, { maxElements: 10000 })).message).toMatch(/^.*lenet\.onnx: tensor '3\.weight' has shape \[32,16,5,5\], more than the limit of 10000 elements/);
  });

  test('initializer data of the wrong length', () => {
    const bytes = edited(model((b) => b.op('MatMul', ['x', b.initializer('w', 'float32', [1, 2, 3], [4])])), () => undefined);
    expect(importError(() => importOnnx(bytes)).message).toMatch(/tensor 'w' has 12 bytes of raw data; shape \[4\] of FLOAT needs 16/);
  });

  test('tensors kept in external files', () => {
    const bytes = edited(model((b) => b.op('MatMul', ['x', b.initializer('w', 'float32', [1], [1])])), (m) => {
      const w = m.graph!.initializer![0];
      w.rawData = new Uint8Array();
      w.dataLocation = proto.TensorProto.DataLocation.EXTERNAL;
      w.externalData = [{ key: 'location', value: 'weights.bin' }];
    });
    expect(importError(() => importOnnx(bytes)).message).toMatch(/tensor 'w' keeps its data in an external file \(weights\.bin\)/);
  });

  test('an opset newer than 21', () => {
    expect(importError(() => importOnnx(model((b) => b.op('Relu', ['x']), 22))).message).toMatch(/opset 22 is outside the supported 1 to 21/);
  });
});

describe('fuzzing the real models', () => {
  // Mutations of lenet.onnx with a fixed seed: bit flips in the protobuf structure (flips in the
  // weight bytes only change weights), truncations, and swapped byte ranges. Each must import or
  // give an ImportError; anything else (a TypeError, a RangeError, a hang) fails.
  test('3,000 mutations give a model or an ImportError', () => {
    const original = readFileSync(referenceModel('lenet'));
    const decoded = proto.ModelProto.decode(original);
    const payloads = decoded.graph!.initializer!.map((t) => [t.rawData!.byteOffset - original.byteOffset, t.rawData!.length] as const);
    const structural = Array.from({ length: original.length }, (_, i) => i).filter((i) => !payloads.some(([start, length]) => i >= start && i < start + length));
    const random = seededRandom(2024);
    const pick = (n: number) => Math.floor(random() * n);
    const outcomes = { imported: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const bytes = new Uint8Array(original);
      const kind = i % 3;
      let mutated: Uint8Array = bytes;
      if (kind === 0) {
        for (let f = 1 + pick(4); f > 0; f--) bytes[structural[pick(structural.length)]] ^= 1 << pick(8);
      } else if (kind === 1) {
        mutated = bytes.subarray(0, pick(bytes.length));
      } else {
        const length = 1 + pick(16);
        const [a, b] = [structural[pick(structural.length)], structural[pick(structural.length)]];
        const saved = bytes.slice(a, a + length);
        bytes.copyWithin(a, b, b + length);
        bytes.set(saved.subarray(0, Math.max(0, Math.min(length, bytes.length - b))), b);
      }
      try {
        importOnnx(mutated).model.dispose();
        outcomes.imported++;
      } catch (error) {
        if (!(error instanceof ImportError)) throw new Error(`mutation ${i} (kind ${kind}) threw ${(error as Error).stack}`);
        outcomes.refused++;
      }
    }
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(outcomes.imported).toBeGreaterThan(0);
  }, 300_000);
});
