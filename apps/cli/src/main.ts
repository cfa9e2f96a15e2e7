#!/usr/bin/env node
import { run } from './program';
import { watchParent } from './parent_watch';

// Output piped into a reader that stops early (`| head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
watchParent();
process.exitCode = await run(process.argv.slice(2));
