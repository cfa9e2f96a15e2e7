import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFolders } from './make_folders';

test('creates missing parents, accepts an existing folder, and fails at once where a folder cannot be made', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-folders-'));
  try {
    const deep = path.join(dir, 'a', 'b', 'c');
    makeFolders(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeFolders(deep);
    writeFileSync(path.join(dir, 'file'), 'x');
    expect(() => makeFolders(path.join(dir, 'file', 'sub'))).toThrow(/ENOTDIR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Node's recursive mkdir loops forever here.
  if (process.platform === 'linux') expect(() => makeFolders('/proc/nope/deeper')).toThrow(/ENOENT: no such file or directory, mkdir '\/proc\/nope'/);
});
