#!/usr/bin/env node
// Writes config.schema.json, the JSON Schema of --config files and run.json, from the run options'
// declaration (after `npm run build`). A test fails while the committed file differs from it.
import { writeFileSync } from 'node:fs';
import { configSchema } from '../dist/index.js';

const file = new URL('../config.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(configSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
