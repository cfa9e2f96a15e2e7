#!/usr/bin/env node
// Prints which system tools of system_tools.json are installed, one "name: yes|no" a line. Nx
// hashes this output into the test targets' inputs, so installing or removing a tool reruns the
// tests instead of replaying results cached without it (or with it). With --missing: the names
// of the missing ones (Debian package names), for .ci/run to install.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const tools = JSON.parse(readFileSync(new URL('./system_tools.json', import.meta.url), 'utf8'));
const missingOnly = process.argv.includes('--missing');
for (const { name, check } of tools) {
  const present = spawnSync(check[0], check.slice(1), { stdio: 'ignore' }).status === 0;
  if (!missingOnly) console.log(`${name}: ${present ? 'yes' : 'no'}`);
  else if (!present) console.log(name);
}
