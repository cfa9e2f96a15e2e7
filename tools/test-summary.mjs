#!/usr/bin/env node
// Sums the jest results every workspace package wrote (test-results.json) into one closing line,
// "tests: N passed, N failed, K skipped", naming what a skipped test lacked and how to install it
// (tools/testing/system_tools.ts puts that in the test's title). Exits 1 if any test failed or a
// package ran no test.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { root, workspaceDirs } from './lib/workspaces.mjs';

const SKIP_MARKER = /\[skipped: (.+?)\]$/;
let passed = 0;
let failed = 0;
const skipped = new Map(); // reason -> titles
const empty = [];
for (const pkgDir of workspaceDirs()) {
  const name = path.relative(root, pkgDir);
  const resultsFile = path.join(pkgDir, 'test-results.json');
  if (!statSync(resultsFile, { throwIfNoEntry: false })) {
    empty.push(name);
    continue;
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
  if (results.numTotalTests === 0) empty.push(name);
  for (const suite of results.testResults) {
    for (const test of suite.assertionResults) {
      if (test.status !== 'pending') continue;
      const reason = SKIP_MARKER.exec(test.title)?.[1] ?? 'skipped in the source';
      skipped.set(reason, [...(skipped.get(reason) ?? []), `${name}: ${test.fullName}`]);
    }
  }
}
if (empty.length) console.error(`no test results from: ${empty.join(', ')}`);
for (const [reason, titles] of skipped) console.log(`skipped (${reason}):\n  ${titles.join('\n  ')}`);
const skippedCount = [...skipped.values()].reduce((n, titles) => n + titles.length, 0);
const reasons = skippedCount ? ` (${[...skipped.keys()].join('; ')})` : '';
console.log(`tests: ${passed} passed, ${failed} failed, ${skippedCount} skipped${reasons}`);
process.exit(failed > 0 || empty.length > 0 ? 1 : 0);
