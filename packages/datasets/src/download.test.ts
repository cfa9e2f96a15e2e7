import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DATASETS } from './catalog';
import { download, downloadFiles } from './download';
import { DatasetError } from './errors';
import { readIdxFile } from './idx';
import { embeddedMnistFile, writeCifar10Folder } from './testing/generated_data';

// MNIST's test files with their pinned hashes: the package embeds the real ones, so the served
// bytes are checked against the same hashes as a download from the canonical mirror.
const MNIST_TEST_FILES = DATASETS.mnist.downloads.filter((remote) => remote.url.includes('t10k'));

/** A real HTTP server on 127.0.0.1 serving files from a folder; /corrupt/<f> serves <f> with one byte flipped. */
function serve(root: string): Promise<{ url: string; close: () => Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url!);
    const corrupt = req.url!.startsWith('/corrupt/');
    const file = path.join(root, req.url!.replace(/^\/corrupt/, ''));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const bytes = Buffer.from(readFileSync(file));
    if (corrupt) bytes[bytes.length >> 1] ^= 0xff;
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r())),
        requests,
      }),
    ),
  );
}

describe('download', () => {
  let dir: string;
  let served: string;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    served = mkdtempSync(path.join(os.tmpdir(), 'st-served-'));
    mkdirSync(path.join(served, 'mnist'));
    for (const kind of ['images', 'labels'] as const) copyFileSync(embeddedMnistFile(kind), path.join(served, 'mnist', path.basename(embeddedMnistFile(kind))));
    server = await serve(served);
  });
  afterAll(async () => {
    await server.close();
    rmSync(served, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'st-download-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("fetches MNIST's test files over HTTP, verifies them against the pinned hashes, and the result loads", async () => {
    const written = await downloadFiles(MNIST_TEST_FILES, dir, { baseUrl: `${server.url}/mnist` });
    expect(written.map((f) => path.basename(f)).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    expect(readdirSync(dir).sort()).toEqual(written.map((f) => path.basename(f)).sort()); // no temporary files left
    expect(readIdxFile(path.join(dir, 't10k-images-idx3-ubyte.gz')).dims).toEqual([10000, 28, 28]);
    // Files in place are kept: a second call fetches nothing.
    const before = server.requests.length;
    expect(await downloadFiles(MNIST_TEST_FILES, dir, { baseUrl: `${server.url}/mnist` })).toEqual([]);
    expect(server.requests.length).toBe(before);
  });

  test('a corrupted file fails its hash: a clear error, and nothing left in its place', async () => {
    const attempt = downloadFiles(MNIST_TEST_FILES, dir, { baseUrl: `${server.url}/corrupt/mnist` });
    await expect(attempt).rejects.toThrow(DatasetError);
    await expect(downloadFiles(MNIST_TEST_FILES, dir, { baseUrl: `${server.url}/corrupt/mnist` })).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz: SHA-256 mismatch for http:\/\/127\.0\.0\.1:\d+\/corrupt\/mnist\/t10k-images-idx3-ubyte\.gz: expected 8d422c7b/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('an HTTP error names the URL and leaves nothing behind', async () => {
    await expect(download('fashion-mnist', dir, { baseUrl: `${server.url}/nowhere` })).rejects.toThrow(/HTTP 404 from http:\/\/127\.0\.0\.1/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test.each([
    ['before answering', (res: http.ServerResponse) => void res],
    ['after half the body', (res: http.ServerResponse) => res.writeHead(200, { 'content-length': 1000 }).write(Buffer.alloc(500))],
  ])('a server that stalls %s: an error naming the URL after the stall time, and nothing left behind', async (_, stall) => {
    const open: http.ServerResponse[] = [];
    const stalling = http.createServer((_req, res) => {
      open.push(res);
      stall(res);
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`;
    try {
      // A partial file of a download killed earlier (by a process no longer running) goes too.
      writeFileSync(path.join(dir, '.t10k-images-idx3-ubyte.gz.4194305.tmp'), 'partial');
      await expect(downloadFiles(MNIST_TEST_FILES, dir, { baseUrl: url, stallSeconds: 0.3 })).rejects.toThrow(
        new RegExp(`t10k-images-idx3-ubyte\\.gz: no data from ${url}/t10k-images-idx3-ubyte\\.gz for 0\\.3 s: the server stalled`),
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      open.forEach((res) => res.destroy());
      stalling.closeAllConnections();
      await new Promise((r) => stalling.close(r));
    }
  });

  test('archives are verified, then their members are extracted atomically', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'st-tar-'));
    try {
      writeCifar10Folder(path.join(work, 'cifar10'), 10, 100);
      execFileSync('tar', ['czf', path.join(work, 'cifar-10-binary.tar.gz'), '-C', work, 'cifar10/test_batch.bin', 'cifar10/batches.meta.txt']);
      const archive = readFileSync(path.join(work, 'cifar-10-binary.tar.gz'));
      const sha256 = createHash('sha256').update(archive).digest('hex');
      const tarServer = await serve(work);
      try {
        const remote = { url: 'https://example.invalid/cifar-10-binary.tar.gz', sha256, extract: ['cifar10/test_batch.bin', 'cifar10/batches.meta.txt'] };
        const written = await downloadFiles([remote], dir, { baseUrl: tarServer.url });
        expect(written.map((f) => path.basename(f))).toEqual(['test_batch.bin', 'batches.meta.txt']);
        expect(readFileSync(path.join(dir, 'test_batch.bin')).equals(readFileSync(path.join(work, 'cifar10', 'test_batch.bin')))).toBe(true);
        expect(readdirSync(dir).sort()).toEqual(['batches.meta.txt', 'test_batch.bin']);
        const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'st-tar-out-'));
        try {
          await expect(downloadFiles([{ ...remote, sha256: '0'.repeat(64) }], elsewhere, { baseUrl: tarServer.url })).rejects.toThrow(/SHA-256 mismatch/);
          // A verified archive that lacks a member writes none of them.
          const lacking = { ...remote, extract: ['cifar10/test_batch.bin', 'cifar10/data_batch_9.bin'] };
          await expect(downloadFiles([lacking], elsewhere, { baseUrl: tarServer.url })).rejects.toThrow(/archive has no cifar10\/data_batch_9\.bin/);
          expect(readdirSync(elsewhere)).toEqual([]);
        } finally {
          rmSync(elsewhere, { recursive: true, force: true });
        }
      } finally {
        await tarServer.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000); // packs and hashes an archive and serves it: well under a second alone, more on a shared machine

  test("'mnist-10k' has nothing to download", async () => {
    await expect(download('mnist-10k', dir)).rejects.toThrow(/embedded in the package/);
  });
});
