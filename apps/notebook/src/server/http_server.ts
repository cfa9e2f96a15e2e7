// The notebook's HTTP server (Node's http): the built page, a JSON API per cell, an event stream
// (server-sent events) for live training progress, downloads, and guards: loopback only unless
// a host is given, its own Host, token and origin only (access.ts), uploads over a limit refused
// with 413, no path outside the page's folder.
import { initEngine, type BackendChoice } from '@sparse-ternary/engine';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AccessError, checkAccess, newToken, ownHosts } from './access';
import { CellError } from './cell_error';
import { NotebookSession, type SweepExecution } from './session';

export interface NotebookServerOptions {
  port?: number;
  /** Default 127.0.0.1; anything else must be asked for. */
  host?: string;
  /** Largest accepted upload (default 64 MiB). */
  maxUploadBytes?: number;
  backend?: BackendChoice;
  /** The built page (dist/client). */
  clientDir: string;
  /** The API's token (default: a random one, in the URL printed at start). */
  token?: string;
  /** Folders the data cell may read besides the dataset names, $SPARSE_TERNARY_DATA and the cache. */
  dataFolders?: string[];
  /** How the sweep cell runs its compressions (default: in the server's process, one at a time). */
  sweep?: SweepExecution;
}

export interface NotebookServer {
  /** The page's address with its token: what to open. */
  url: string;
  token: string;
  session: NotebookSession;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The request body, refused with 413 once it passes `limit` bytes. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new HttpError(413, `upload of ${declared} bytes is over the limit of ${limit}`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new HttpError(413, `upload is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function jsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, 1 << 20)).toString('utf8');
  if (!text) return {};
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed === 'object' && parsed && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'the request body must be a JSON object');
}

/** A file of the page, only inside clientDir (no '..', no absolute paths, no links out). */
function staticFile(clientDir: string, urlPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, 'malformed path');
  }
  const root = path.resolve(clientDir);
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (decoded.includes('\0') || decoded.split(/[\\/]/).includes('..') || !file.startsWith(root + path.sep)) throw new HttpError(403, 'path outside the notebook');
  if (!existsSync(file) || !statSync(file).isFile()) throw new HttpError(404, `no file ${urlPath}`);
  return file;
}

export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const host = options.host ?? '127.0.0.1';
  const maxUpload = options.maxUploadBytes ?? 64 << 20;
  const engine = await initEngine({ backend: options.backend ?? 'auto' });
  const session = new NotebookSession(engine, { dataFolders: options.dataFolders, sweep: options.sweep });
  const token = options.token ?? newToken();
  let hosts = new Set<string>();

  const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<unknown>> = {
    'POST /api/cells/data': async (req) => session.runData(await jsonBody(req)),
    'POST /api/cells/model': async (req) => session.runModel(await jsonBody(req)),
    'POST /api/cells/upload': async (req, _res, url) => session.runUpload(await readBody(req, maxUpload), url.searchParams.get('name') ?? 'upload.onnx'),
    'POST /api/cells/stage1': async (req) => session.runStage1(await jsonBody(req)),
    'POST /api/cells/prune': async (req) => session.runPrune(await jsonBody(req)),
    'POST /api/cells/stage3': async (req) => session.runStage3(await jsonBody(req)),
    'POST /api/cells/cost': async () => session.runCost(),
    'POST /api/cells/export': async () => session.runExport(),
    'POST /api/cells/sweep': async (req) => session.runSweep(await jsonBody(req)),
    'POST /api/stop': async () => ({ stopped: session.stop() }),
    'GET /api/state': async () => session.state(),
    'GET /api/fields': async () => session.fields(),
    'GET /api/status': async () => ({ running: session.running, backend: engine.backend }),
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://notebook');
    try {
      const setCookie = checkAccess(req, url, hosts, token);
      if (setCookie) res.setHeader('set-cookie', setCookie);
      if (req.method === 'GET' && url.pathname === '/api/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': connected\n\n');
        const unsubscribe = session.subscribe((event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        req.on('close', unsubscribe);
        return;
      }
      const download = url.pathname.match(/^\/api\/export\/([\w.-]+)$/);
      if (req.method === 'GET' && download) {
        const { bytes, type } = session.exportFile(download[1]);
        res.writeHead(200, { 'content-type': type, 'content-disposition': `attachment; filename="${download[1]}"` });
        res.end(bytes);
        return;
      }
      const route = routes[`${req.method} ${url.pathname}`];
      if (route) return sendJson(res, 200, await route(req, res, url));
      if (req.method !== 'GET') throw new HttpError(404, `no route ${req.method} ${url.pathname}`);
      const file = staticFile(options.clientDir, url.pathname === '/' ? '/index.html' : url.pathname);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch (error) {
      const status = error instanceof HttpError || error instanceof CellError || error instanceof AccessError ? error.status : 500;
      // Messages from native code (onnxruntime) can carry terminal colours.
      sendJson(res, status, { error: (error as Error).message.replace(/\x1b\[[0-9;]*m/g, '') });
      // An unread upload body would keep the connection busy: drop it.
      if (status === 413) req.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  hosts = ownHosts(host, port);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/?token=${token}`,
    token,
    session,
    close: () =>
      new Promise((resolve) => {
        session.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
