// Durable file writes for run outputs: every byte written (short writes looped), fsynced, read back and
// checked before an atomic rename; failures become one-line errors naming the path and the cause.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IoError } from './errors.js';

/** Size and SHA-256 of written bytes: what a reader checks before trusting a file. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

export function digest(data: Uint8Array): FileDigest {
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** The errno code of a Node system error, if `e` is one. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is a file, not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  ENOENT: 'no such file or directory',
};

/** 'no space left on device (ENOSPC)' for a system error; the message for anything else. */
export function describeError(e: unknown): string {
  const code = errnoCode(e);
  if (code === undefined) return (e as Error)?.message ?? String(e);
  return `${CAUSES[code] ?? (e as Error).message} (${code})`;
}

/** Wraps a system error raised while writing `path` as an IoError (exit 4); other errors pass through. */
export function toIoError(e: unknown, path: string): unknown {
  if (e instanceof IoError || errnoCode(e) === undefined) return e;
  return new IoError(`cannot write ${path}: ${describeError(e)}`);
}

/** Runs `fn`, turning a system error into an IoError naming `path`. */
export function withIo<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toIoError(e, path);
  }
}

type WriteFn = (fd: number, buf: Uint8Array, offset: number, length: number) => number;

/**
 * Writes all of `data` to `fd`: write(2) may write fewer bytes than asked (a filling disk does this before
 * it reports ENOSPC), so loop until done; a write that makes no progress is an error, not a retry forever.
 */
export function writeAll(fd: number, data: Uint8Array, write: WriteFn = writeSync): void {
  let off = 0;
  while (off < data.length) {
    const n = write(fd, data, off, data.length - off);
    if (!(n > 0)) throw new IoError(`short write: ${data.length - off} of ${data.length} bytes could not be written`);
    off += n;
  }
}

/** fsync of a directory makes a rename in it durable; some file systems refuse it (nothing to do then). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR/EPERM on file systems without directory fsync: the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically and durably: a temp file beside it gets every byte, is fsynced, read back
 * and compared (length + SHA-256), and only then renamed over `path`; on failure the temp file is removed and
 * `path` is untouched. Errors are IoError (exit 4) naming `path`. Returns the written bytes' digest.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): FileDigest {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const want = digest(buf);
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    writeAll(fd, buf);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    const got = digest(readFileSync(tmp));
    if (got.bytes !== want.bytes || got.sha256 !== want.sha256) {
      throw new IoError(
        `cannot write ${path}: read back ${got.bytes} bytes (sha256 ${got.sha256.slice(0, 12)}) after writing ${want.bytes} (sha256 ${want.sha256.slice(0, 12)})`,
      );
    }
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already gone
    }
    const err = toIoError(e, path);
    if (err instanceof IoError && !err.message.includes(path)) throw new IoError(`cannot write ${path}: ${err.message}`);
    throw err;
  }
  fsyncDir(dirname(path));
  return want;
}

/** Appends `text` to `path` (appendFileSync loops on short writes); errors are IoError naming the path. */
export function appendFileIo(path: string, text: string): void {
  withIo(path, () => appendFileSync(path, text));
}

/**
 * Creates directory `path` and its missing parents one level at a time. (Node's recursive mkdir loops forever
 * when a parent exists but refuses children, as /proc does, and reports a read-only file system as ENOENT.)
 * `fail` turns the reason into the caller's error type. Returns the directories it created, outermost first.
 */
export function ensureDir(path: string, fail: (reason: string) => Error): string[] {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = errnoCode(e);
      const parent = dirname(p);
      // ENOTDIR: some ancestor is a file; walking up finds it and reports it by name
      if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== p) {
        missing.push(p);
        p = parent;
        continue;
      }
      throw fail(`cannot access '${p}': ${describeError(e)}`);
    }
    if (!isDir) throw fail(`'${p}' is a file, not a directory`);
    break;
  }
  const created: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue; // created concurrently
      // the parent exists (made or checked just now), so ENOENT means this file system does not take new entries
      const cause =
        code === 'ENOENT'
          ? `'${dirname(d)}' does not accept new directories (ENOENT; a virtual file system such as /proc?)`
          : describeError(e);
      throw fail(`cannot create directory '${d}': ${cause}`);
    }
    created.push(d);
  }
  return created;
}
