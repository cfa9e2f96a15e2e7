#!/usr/bin/env node
// Sums the jest results every workspace package wrote (test-results.json) into one closing line,
// "tests: N passed, N failed", and exits 1 if any test failed or a package ran no test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
let passed = 0;
let failed = 0;
const empty = [];
for (const dir of ['packages', 'apps']) {
  let names = [];
  try {
    names = readdirSync(path.join(root, dir));
  } catch {
    continue;
  }
  for (const name of names) {
    const pkgDir = path.join(root, dir, name);
    if (!statSync(path.join(pkgDir, 'package.json'), { throwIfNoEntry: false })) continue;
    const resultsFile = path.join(pkgDir, 'test-results.json');
    if (!statSync(resultsFile, { throwIfNoEntry: false })) {
      empty.push(`${dir}/${name}`);
      continue;
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed += results.numPassedTests;
    failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
    if (results.numTotalTests === 0) empty.push(`${dir}/${name}`);
  }
}
if (empty.length) console.error(`no test results from: ${empty.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || empty.length > 0 ? 1 : 0);
