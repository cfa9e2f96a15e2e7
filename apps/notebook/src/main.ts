#!/usr/bin/env node
// sparse-ternary-notebook [--port N] [--host H] [--backend B]: serves the notebook and prints its URL.
import { parseArgs } from 'node:util';
import { clientDir } from './server/client_dir';
import { startNotebookServer } from './server/http_server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, host: { type: 'string' }, backend: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`error: --port ${values.port} is not a port number\n`);
  process.exit(2);
}
const server = await startNotebookServer({ port, host: values.host, backend: values.backend as never, clientDir: clientDir() });
process.stdout.write(`notebook at ${server.url} (Ctrl-C to stop)\n`);
process.on('SIGINT', () => server.close().then(() => process.exit(0)));
