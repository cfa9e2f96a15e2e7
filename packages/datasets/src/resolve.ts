import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATASETS, MNIST_10K, type DatasetName, type IdxLayout } from './catalog';
import { DatasetError, DatasetNotFoundError } from './errors';

export interface ResolveOptions {
  /** An explicit folder holding the dataset's files: used as is, or an error. */
  path?: string;
  /** Defaults to process.env ($SPARSE_TERNARY_DATA, $XDG_CACHE_HOME). */
  env?: Record<string, string | undefined>;
  /** Defaults to /usr/share/datasets, where Debian's dataset packages install. */
  systemDir?: string;
}

export interface ResolvedDataset {
  /** The folder the files are read from. */
  dir: string;
  /** Which of the places it came from. */
  place: 'path' | 'SPARSE_TERNARY_DATA' | 'cache' | 'system' | 'embedded';
}

/** The user cache folder for downloads: $XDG_CACHE_HOME/sparse-ternary/datasets, else ~/.cache/... */
export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'sparse-ternary', 'datasets');
}

/** Where the package's embedded data lives: dist/data once built, ../data beside the sources. */
export function embeddedDir(): string {
  const candidates = [path.join(__dirname, 'data'), path.join(__dirname, '..', 'data')];
  return candidates.find((dir) => existsSync(path.join(dir, MNIST_10K.folder))) ?? candidates[0];
}

/** `base` or `base.gz`, whichever exists in `dir`. */
export function findFile(dir: string, base: string): string | undefined {
  return [base, `${base}.gz`].map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

/** The files a folder must hold for the dataset, and the folder they actually sit in. */
export function missingFiles(name: DatasetName, dir: string): { dir: string; missing: string[] } {
  if (name === 'mnist-10k') {
    const { test } = (DATASETS.mnist.layout as IdxLayout);
    return { dir, missing: [test.images, test.labels].filter((f) => !findFile(dir, f)) };
  }
  const { layout } = DATASETS[name];
  if (layout.kind === 'idx') {
    const needed = [layout.train.images, layout.train.labels, layout.test.images, layout.test.labels];
    return { dir, missing: needed.filter((f) => !findFile(dir, f)) };
  }
  const needed = [layout.train[0], layout.test];
  const inside = path.join(dir, layout.archiveFolder);
  const where = needed.every((f) => existsSync(path.join(dir, f))) || !existsSync(inside) ? dir : inside;
  return { dir: where, missing: needed.filter((f) => !existsSync(path.join(where, f))) };
}

/**
 * Finds a dataset's folder: an explicit path, then $SPARSE_TERNARY_DATA/<name>, the user cache,
 * /usr/share/datasets/<name>, then the embedded default. The error lists every place looked at.
 */
export function resolveDataset(name: DatasetName, options: ResolveOptions = {}): ResolvedDataset {
  if (options.path !== undefined) {
    const { dir, missing } = missingFiles(name, options.path);
    if (missing.length) throw new DatasetError(`no ${name} dataset here: missing ${missing.join(', ')}`, options.path);
    return { dir, place: 'path' };
  }
  const env = options.env ?? process.env;
  const places: [ResolvedDataset['place'], string | undefined][] = [
    ['SPARSE_TERNARY_DATA', env.SPARSE_TERNARY_DATA ? path.join(env.SPARSE_TERNARY_DATA, name) : undefined],
    ['cache', path.join(cacheDir(env), name)],
    ['system', path.join(options.systemDir ?? '/usr/share/datasets', name)],
  ];
  if (name === 'mnist-10k') places.push(['embedded', path.join(embeddedDir(), MNIST_10K.folder)]);
  const looked: string[] = [];
  for (const [place, dir] of places) {
    if (dir === undefined) {
      looked.push(`$SPARSE_TERNARY_DATA/${name} ($SPARSE_TERNARY_DATA is not set)`);
      continue;
    }
    if (!existsSync(dir)) {
      looked.push(`${dir} (no such folder)`);
      continue;
    }
    const found = missingFiles(name, dir);
    if (found.missing.length === 0) return { dir: found.dir, place };
    looked.push(`${dir} (missing ${found.missing.join(', ')})`);
  }
  const spec = name === 'mnist-10k' ? undefined : DATASETS[name];
  throw new DatasetNotFoundError(name, looked, spec?.hint, `@sparse-ternary/datasets's \`download('${name}', '${path.join(cacheDir(env), name)}')\``);
}
