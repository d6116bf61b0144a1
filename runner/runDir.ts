// The run directory: created (or checked) up front, with problems reported as ConfigError naming the path and
// the cause, and locked by <dir>/.lock so two runs never write the same directory at once.
import { closeSync, openSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { describeError, ensureDir, errnoCode, writeAll } from './fsio.js';

export const LOCK_FILE = '.lock';

/** What a lock file holds: enough to tell whether its run is still alive. */
export interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM'; // exists, owned by someone else
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const l = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof l.pid === 'number' && typeof l.host === 'string' && typeof l.started === 'string' ? (l as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** A held run-directory lock; release() is idempotent and also runs if the process exits first. */
export class RunDirLock {
  private held = true;
  private readonly onExit = (): void => this.release();

  constructor(
    readonly path: string,
    readonly info: LockInfo,
    /** Directories the lock's run created; removed again on release while still empty (a rejected config leaves none behind). */
    private readonly created: readonly string[] = [],
  ) {
    process.once('exit', this.onExit);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    process.off('exit', this.onExit);
    const now = readLock(this.path);
    // only our own lock: a run that took over a lock we lost must keep it
    if (now && now.pid === this.info.pid && now.started === this.info.started) {
      try {
        unlinkSync(this.path);
      } catch {
        // gone already
      }
    }
    for (const d of [...this.created].reverse()) {
      try {
        rmdirSync(d);
      } catch {
        break; // not empty: the run wrote outputs
      }
    }
  }
}

const problem = (dir: string, reason: string): ConfigError =>
  new ConfigError(`run directory '${dir}': ${reason}; choose another with --out`);

/**
 * Creates `dir` if needed and takes its lock (O_EXCL create of <dir>/.lock with pid, host and start time).
 * A lock left by a dead process on this host is taken over; a live one is a ConfigError (exit 2).
 */
export function lockRunDir(dir: string): RunDirLock {
  const created = ensureDir(dir, (reason) => problem(dir, reason));
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw problem(dir, `cannot create ${path}: ${describeError(e)}`);
      const other = readLock(path);
      const stale = other !== undefined && other.host === info.host && !pidAlive(other.pid);
      if (stale && attempt === 0) {
        try {
          unlinkSync(path);
        } catch {
          // another run removed it first; the retry decides
        }
        continue;
      }
      const who = other ? `pid ${other.pid} on ${other.host}, started ${other.started}` : `${path} is unreadable`;
      throw new ConfigError(
        `run directory '${dir}' is in use by another run (${who}); wait for it or choose another directory with --out (delete ${path} if no run uses it)`,
      );
    }
    try {
      writeAll(fd, Buffer.from(`${JSON.stringify(info)}\n`));
    } catch (e) {
      closeSync(fd);
      unlinkSync(path);
      for (const d of [...created].reverse()) {
        try {
          rmdirSync(d);
        } catch {
          break;
        }
      }
      throw problem(dir, `cannot write ${path}: ${describeError(e)}`);
    }
    closeSync(fd);
    return new RunDirLock(path, info, created);
  }
}
