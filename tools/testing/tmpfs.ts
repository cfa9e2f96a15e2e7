// Test helper: a small tmpfs to fill, for what a full disk does to writes. Mounting needs root
// (and the right to mount, which some containers lack): the check tries one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SystemTool } from './system_tools';

export const TMPFS: SystemTool = {
  name: 'tmpfs mount',
  install: 'run the tests as root where mount is allowed',
  check: ['sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=4k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r'],
};

/** Runs `body` on a fresh tmpfs of `bytes` bytes (rounded up to whole pages), unmounted afterwards. */
export async function withTmpfs<T>(bytes: number, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  try {
    return await body(dir);
  } finally {
    execFileSync('umount', [dir]);
    rmdirSync(dir);
  }
}
