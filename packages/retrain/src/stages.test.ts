import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initEngine } from '@sparse-ternary/engine';
import { sfc } from '@sparse-ternary/models';
import { compress } from './compress';
import { STAGES, stageOfLabel } from './stages';
import { mnistSubset } from './testing/mnist_subset';

test('the stages, declared once: ids, labels, checkpoint folders, report names', () => {
  expect(Object.values(STAGES).map((s) => [s.id, s.label, s.folder, s.short])).toEqual([
    ['stage0', 'stage 0', 'stage-0', 's0'],
    ['stage1', 'stage 1', 'stage-1', 's1'],
    ['prune', 'stage 2', 'stage-2', 's2'],
    ['stage3', 'stage 3', 'stage-3', 's3'],
  ]);
  expect(stageOfLabel('stage 3')).toBe(STAGES.stage3);
  expect(stageOfLabel('training')).toBeUndefined();
});

test("compress names its stages and checkpoint folders from the declaration", async () => {
  await initEngine({ backend: 'ort' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-stages-'));
  try {
    const { train, test: images } = mnistSubset(100, 50);
    const { report } = await compress(sfc({ widthMultiplier: 0.125, seed: 1 }), train, { epochs: { stage0: 1, stage1: 1, stage3: 1 }, batchSize: 50, test: images, checkpointDir: dir });
    expect(report.stages.map((s) => s.stage)).toEqual([STAGES.stage0.label, STAGES.stage1.label, STAGES.stage3.label]);
    expect(readdirSync(dir).sort()).toEqual([STAGES.stage0.folder, STAGES.stage1.folder, STAGES.stage3.folder]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000); // trains: room for a machine shared with other work
