// Checkpoints: one JSON file replaced atomically (write a temp file, fsync, rename), so a crash or
// SIGINT mid-write never leaves a torn checkpoint behind.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';

export interface Checkpoint {
  version: 1;
  /** Completed training steps. */
  step: number;
  /** Cumulative training wall time (s) up to this step. */
  wallTime: number;
  /** Lowest loss seen so far (the divergence test's reference). */
  bestLoss: number;
  /** Hash of the resolved config without training.steps/backend: resuming needs the same problem. */
  configHash: string;
  trainer: unknown;
}

export const CHECKPOINT_FILE = 'state.json';

/** Writes `text` to `path` atomically. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeCheckpoint(dir: string, ckpt: Checkpoint): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, CHECKPOINT_FILE);
  writeFileAtomic(path, JSON.stringify(ckpt));
  return path;
}

export function readCheckpoint(dir: string): Checkpoint | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  let c: Partial<Checkpoint>;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as Partial<Checkpoint>;
  } catch (e) {
    throw new ConfigError(`${path}: unreadable checkpoint (${(e as Error).message})`);
  }
  if (c.version !== 1 || typeof c.step !== 'number' || typeof c.configHash !== 'string' || !('trainer' in c)) {
    throw new ConfigError(`${path}: expected a version 1 checkpoint with step, configHash and trainer`);
  }
  return c as Checkpoint;
}
