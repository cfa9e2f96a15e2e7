// Atomic file writes: the content goes to a temporary file beside the target, is fsynced, and
// takes the target's name by a rename, and the folder is fsynced so the rename survives a power
// loss. A crash leaves the old file or the new one, never half of one. The one writer for
// results, exports, checkpoints and downloads.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Where the file being replaced goes (renamed, also atomically) before the new one takes its place: a backup such as a previous checkpoint. */
  previous?: string;
}

/** An error writing `file`; the message names it. */
export class AtomicWriteError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: ErrorOptions,
  ) {
    super(`cannot write ${file}: ${message}`, options);
    this.name = 'AtomicWriteError';
  }
}

/** The temporary name `file` is written under first: hidden, in the same folder (a rename across file systems is not atomic). */
export const temporaryFile = (file: string): string => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);

export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const temporary = temporaryFile(file);
  try {
    removeStaleTemporaries(file);
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      // writeSync may write less than asked (a full disk, a signal): loop until every byte is written.
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } finally {
      closeSync(fd);
    }
    moveFileAtomic(temporary, file, options);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof AtomicWriteError) throw error;
    throw new AtomicWriteError((error as Error).message, file, { cause: error });
  }
}

/**
 * Gives a complete file (written and closed, such as a streamed download) the name `file`: fsyncs
 * it, renames it over `file` and fsyncs the folder.
 */
export function moveFileAtomic(source: string, file: string, options: AtomicWriteOptions = {}): void {
  try {
    syncPath(source, 'r+');
    if (options.previous && existsSync(file)) renameSync(file, options.previous);
    renameSync(source, file);
    syncPath(path.dirname(file), 'r');
  } catch (error) {
    throw new AtomicWriteError((error as Error).message, file, { cause: error });
  }
}

/** Whether process `pid` is running (signal 0 tests without sending; EPERM: it runs as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporary files (temporaryFile's names) in `file`'s folder that writers killed before
 * their rename left behind: those of processes no longer running, whatever file they were writing.
 */
export function removeStaleTemporaries(file: string): void {
  const dir = path.dirname(file);
  for (const name of readdirSync(dir)) {
    const pid = Number(/^\..+\.(\d+)\.tmp$/.exec(name)?.[1]);
    if (pid > 0 && !running(pid)) rmSync(path.join(dir, name), { force: true });
  }
}

function syncPath(target: string, flags: string): void {
  const fd = openSync(target, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
