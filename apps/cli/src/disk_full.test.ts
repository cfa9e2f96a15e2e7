// A full disk: every write fails whole. The command exits 1 naming the file it could not write,
// no file under a final name is truncated, a file it was replacing is intact, and no temporary
// file is left.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readOnnxFile } from '@sparse-ternary/onnx';
import { loadCheckpoint } from '@sparse-ternary/retrain';
import { testWith } from '../../../tools/testing/system_tools';
import { TMPFS, withTmpfs } from '../../../tools/testing/tmpfs';
import { runCli } from './testing/run_cli';

/** Every file under `dir`, relative. */
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));

testWith(TMPFS)('export to a full disk exits 1 naming the file, and the model it was replacing is intact', () =>
  withTmpfs(128 * 1024, async (dir) => {
    const file = path.join(dir, 'model.onnx');
    writeFileSync(file, 'the previous export');
    // SFC's float export is about 1 MB.
    const { code, stderr } = await runCli(['export', '-m', 'sfc', '-o', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`cannot write ${file}: ENOSPC`));
    expect(readFileSync(file, 'utf8')).toBe('the previous export');
    expect(filesUnder(dir)).toEqual(['model.onnx']);
  }),
60_000);

/** A quarter-width SFC, one epoch per stage: the compress run the tests fill a disk with. */
const compressInto = (out: string) => runCli(['--quiet', 'compress', '-m', 'sfc', '--width', '0.25', '--stage1-epochs', '1', '--stage3-epochs', '1', '-o', out]);

testWith(TMPFS)('compress whose checkpoints fill the disk exits 1 naming the checkpoint, and leaves no partial checkpoint', () =>
  withTmpfs(256 * 1024, async (dir) => {
    // A stage-1 checkpoint of this SFC (weights and Adam's moments) is about 720 KB.
    const out = path.join(dir, 'out');
    const { code, stderr } = await compressInto(out);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`cannot write ${out}/checkpoints/stage-1/latest.ckpt: ENOSPC`));
    expect(filesUnder(out)).toEqual(['run.json']);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ model: 'sfc', width: 0.25 });
  }),
120_000);

testWith(TMPFS)('compress whose exports fill the disk exits 1 naming the export; every file it leaves is whole', () =>
  // The two checkpoints take about 1.67 MB, the three exports 560 KB more.
  withTmpfs(1900 * 1024, async (dir) => {
    const out = path.join(dir, 'out');
    const { code, stderr } = await compressInto(out);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`cannot write ${out}/model\\.(int8\\.|qonnx\\.)?onnx: ENOSPC`));
    const files = filesUnder(out);
    expect(files).toEqual(expect.arrayContaining(['checkpoints/stage-1/latest.ckpt', 'checkpoints/stage-3/latest.ckpt', 'run.json']));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const stage of ['stage-1', 'stage-3']) expect(loadCheckpoint(path.join(out, 'checkpoints', stage))?.refused).toEqual([]);
    for (const model of files.filter((f) => f.endsWith('.onnx'))) expect(readOnnxFile(path.join(out, model)).nodes.length).toBeGreaterThan(0);
  }),
120_000);
