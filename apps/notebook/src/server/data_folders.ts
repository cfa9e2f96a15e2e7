// Which datasets the page may ask the server to read: the dataset names, and folders inside the
// user's data folders ($SPARSE_TERNARY_DATA, the dataset cache, and the notebook's --data-dir
// folders). Any other path is refused before it is touched, so the answer says nothing about
// whether it exists (the page could otherwise probe the machine, or read any IDX folder as pixels).
import { cacheDir, isDatasetName } from '@sparse-ternary/datasets';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

export const allowedDataFolders = (extra: readonly string[] = [], env = process.env): string[] =>
  [env.SPARSE_TERNARY_DATA, cacheDir(env), ...extra].filter((f): f is string => Boolean(f)).map((f) => path.resolve(f));

const inside = (file: string, folder: string) => file === folder || file.startsWith(folder + path.sep);

/** Whether the data cell may read `source`; a link inside an allowed folder may not lead out of them. */
export function mayRead(source: string, folders: readonly string[]): boolean {
  if (isDatasetName(source)) return true;
  const resolved = path.resolve(source);
  if (!folders.some((f) => inside(resolved, f))) return false;
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  return folders.some((f) => inside(real(resolved), real(f)));
}
