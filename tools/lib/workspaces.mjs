// The workspace packages (packages/* and apps/* with a package.json), for the tools that check,
// summarize or release them all.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Every workspace package folder, packages first. */
export const workspaceDirs = () =>
  ['packages', 'apps'].flatMap((dir) => readdirSync(path.join(root, dir)).map((name) => path.join(root, dir, name))).filter((dir) => existsSync(path.join(dir, 'package.json')));
