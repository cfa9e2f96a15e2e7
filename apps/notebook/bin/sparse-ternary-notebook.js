#!/usr/bin/env node
// The `sparse-ternary-notebook` command: runs the build in dist/, or says how to make it.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
if (!existsSync(built)) {
  console.error('sparse-ternary-notebook: dist/main.js is missing; run `npm run build` (in the repository) first');
  process.exit(1);
}
await import(built.href);
