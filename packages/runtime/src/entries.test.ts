import path from 'node:path';
import { entryImports } from '../../../tools/testing/entry_imports';

test('@sparse-ternary/runtime loads no package: load and run need no TF.js', () => {
  expect([...entryImports(path.join(__dirname, 'index.ts'))]).toEqual([]);
});

test('@sparse-ternary/runtime/pack is where TF.js and hw-cost come in', () => {
  expect([...entryImports(path.join(__dirname, 'entries/pack.ts'))].sort()).toEqual(['@sparse-ternary/hw-cost']);
});
