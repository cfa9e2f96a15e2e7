import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from './errors';
import { initEngine } from './init_engine';

async function tfjsNodeLoads(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  return import(name).then(
    () => true,
    () => false,
  );
}

describe('initEngine', () => {
  test("'auto' takes tfjs-node when it loads, else 'ort', and says why", async () => {
    const info = await initEngine({ backend: 'auto', threads: 2 });
    if (await tfjsNodeLoads()) {
      expect(info.backend).toBe('tensorflow');
    } else {
      expect(info.backend).toBe('ort');
      expect(info.unavailable.map((u) => u.backend)).toEqual(['tensorflow']);
      expect(info.unavailable[0].error).toMatch(/tfjs-node/);
      expect(info.reason).toMatch(/onnxruntime/);
    }
    expect(tf.getBackend()).toBe(info.backend);
    expect(info.threads).toBe(2);
  });

  test("a named backend is used as asked: 'cpu'", async () => {
    const info = await initEngine({ backend: 'cpu' });
    expect(info).toMatchObject({ backend: 'cpu', reason: "asked for 'cpu'" });
    expect(tf.getBackend()).toBe('cpu');
  });

  test("'tensorflow' without tfjs-node fails with the way to install it", async () => {
    const attempt = initEngine({ backend: 'tensorflow' });
    if (await tfjsNodeLoads()) {
      await expect(attempt).resolves.toMatchObject({ backend: 'tensorflow' });
    } else {
      await expect(attempt).rejects.toThrow(EngineError);
      await expect(initEngine({ backend: 'tensorflow' })).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
    }
  });

  test('bad options are typed errors naming the argument', async () => {
    await expect(initEngine({ backend: 'gpu' as never })).rejects.toThrow(/unknown backend 'gpu'/);
    await expect(initEngine({ backend: 'ort', threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });
});
