import { createHash } from 'node:crypto';
import { makeFolders, moveFileAtomic, removeStaleTemporaries, temporaryFile, writeFileAtomic } from '@sparse-ternary/base';
import { createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { DATASETS, type DatasetName, type RemoteFile } from './catalog';
import { DatasetError } from './errors';
import { readTar } from './tar';

export interface DownloadOptions {
  /** Fetch from this folder URL instead of each file's canonical one (a mirror, or a test server). */
  baseUrl?: string;
  /** Called with each file as it is written. */
  onFile?: (file: string) => void;
  /** Seconds without a byte from the server before a download is given up (default 30). */
  stallSeconds?: number;
}

const DEFAULT_STALL_SECONDS = 30;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * GETs `url` (following up to 5 redirects) into `file`, returning the SHA-256 of the bytes
 * received; a server silent for `stallSeconds` (before answering or mid-body) is an error naming
 * the URL. Errors name the file as `name`.
 */
async function fetchTo(url: string, file: string, name: string, stallSeconds: number, redirects = 5): Promise<string> {
  const client = url.startsWith('https:') ? https : http;
  let stalled: DatasetError | undefined;
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = client.get(url, { timeout: stallSeconds * 1000 }, resolve).on('error', (error) => reject(stalled ?? error));
    // The socket's idle timer covers the whole exchange, the body included.
    request.on('timeout', () => {
      stalled = new DatasetError(`no data from ${url} for ${stallSeconds} s: the server stalled (the download was discarded; --timeout to wait longer)`, name);
      request.destroy(stalled);
    });
  });
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location && redirects > 0) {
    response.resume();
    return fetchTo(new URL(response.headers.location, url).toString(), file, name, stallSeconds, redirects - 1);
  }
  if (status !== 200) {
    response.resume();
    throw new DatasetError(`HTTP ${status} from ${url}`, name);
  }
  const hash = createHash('sha256');
  response.on('data', (chunk: Buffer) => hash.update(chunk));
  try {
    await pipeline(response, createWriteStream(file));
  } catch (error) {
    // Destroyed mid-body, the response reports only 'aborted': say why.
    throw stalled ?? error;
  }
  return hash.digest('hex');
}

function targets(remote: RemoteFile, dir: string): string[] {
  if (remote.extract) return remote.extract.map((member) => path.join(dir, path.basename(member)));
  return [path.join(dir, path.basename(new URL(remote.url).pathname))];
}

/**
 * Fetches files into `dir`, verifying each one's SHA-256 (or, for a gzip, the SHA-256 of its
 * content) before it takes its final name; archives are unpacked the same way. Files already in
 * place are kept. A failed or mismatching download leaves nothing behind under the final name.
 */
export async function downloadFiles(remotes: RemoteFile[], dir: string, options: DownloadOptions = {}): Promise<string[]> {
  makeFolders(dir);
  const written: string[] = [];
  for (const remote of remotes) {
    const finals = targets(remote, dir);
    if (finals.every((f) => existsSync(f))) continue;
    const name = path.basename(new URL(remote.url).pathname);
    const url = options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/${name}` : remote.url;
    const temp = temporaryFile(path.join(dir, name));
    // Downloads killed before they finished left their partial files: gone before this one starts.
    removeStaleTemporaries(path.join(dir, name));
    try {
      const hash = await fetchTo(url, temp, name, options.stallSeconds ?? DEFAULT_STALL_SECONDS);
      const bytes = readFileSync(temp);
      const contentMatches = () => remote.contentSha256 !== undefined && sha256(gunzipOrEmpty(bytes)) === remote.contentSha256;
      if (hash !== remote.sha256 && !contentMatches()) {
        throw new DatasetError(`SHA-256 mismatch for ${url}: expected ${remote.sha256}, got ${hash}; the download was discarded`, name);
      }
      if (remote.extract) {
        const members = readTar(gunzipSync(bytes), name);
        // Every member is checked before any is written: a bad archive writes nothing.
        const contents = remote.extract.map((member) => {
          const content = members.get(member);
          if (!content) throw new DatasetError(`archive has no ${member}`, name);
          return content;
        });
        contents.forEach((content, i) => writeFileAtomic(finals[i], content));
      } else {
        moveFileAtomic(temp, finals[0]);
      }
      for (const f of finals) options.onFile?.(f);
      written.push(...finals);
    } finally {
      rmSync(temp, { force: true });
    }
  }
  return written;
}

function gunzipOrEmpty(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch {
    return new Uint8Array(0);
  }
}

/** Downloads a named dataset's canonical files into `dir` (for example cacheDir()/name). */
export async function download(name: DatasetName, dir: string, options: DownloadOptions = {}): Promise<string[]> {
  if (name === 'mnist-10k') throw new DatasetError("'mnist-10k' is embedded in the package: there is nothing to download");
  const spec = DATASETS[name];
  if (!spec) throw new DatasetError(`unknown dataset '${name}'`);
  return downloadFiles(spec.downloads, dir, options);
}
