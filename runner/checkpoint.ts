// Checkpoints: checkpoint/state-<step>.json files, each written atomically and verified (runner/fsio.ts), and
// manifest.json naming the newest ones with their length and SHA-256. A reader trusts only a file that matches
// its manifest entry and falls back to the previous good checkpoint; a failed write leaves the previous
// checkpoints and the manifest untouched.
import { existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, IoError } from './errors.js';
import { digest, ensureDir, writeFileAtomic } from './fsio.js';

export { writeFileAtomic } from './fsio.js';

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

/** One checkpoint file as the manifest records it. */
export interface CheckpointEntry {
  file: string;
  step: number;
  bytes: number;
  sha256: string;
}

export interface CheckpointManifest {
  version: 1;
  /** Newest first. */
  checkpoints: CheckpointEntry[];
}

export const MANIFEST_FILE = 'manifest.json';
/** The single file of checkpoints written before the manifest (read, never written). */
export const CHECKPOINT_FILE = 'state.json';
/** How many checkpoints are kept: the newest and the one a corrupt newest falls back to. */
export const CHECKPOINTS_KEPT = 2;

const stateFile = (step: number): string => `state-${step}.json`;

function readManifest(dir: string): CheckpointManifest | undefined {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  let m: Partial<CheckpointManifest>;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Partial<CheckpointManifest>;
  } catch (e) {
    throw new ConfigError(`${path}: unreadable checkpoint manifest (${(e as Error).message})`);
  }
  if (m.version !== 1 || !Array.isArray(m.checkpoints))
    throw new ConfigError(`${path}: expected a version 1 manifest with a checkpoints list`);
  return m as CheckpointManifest;
}

/**
 * Writes `ckpt` as a new checkpoint file, then the manifest (atomically, so a reader sees the old or the new
 * list, never a mix), then removes files the manifest no longer names. Errors are IoError (exit 4).
 */
export function writeCheckpoint(dir: string, ckpt: Checkpoint): string {
  ensureDir(dir, (reason) => new IoError(`cannot write checkpoint in ${dir}: ${reason}`));
  const file = stateFile(ckpt.step);
  const path = join(dir, file);
  const d = writeFileAtomic(path, JSON.stringify(ckpt));
  let previous: CheckpointEntry[] = [];
  try {
    previous = readManifest(dir)?.checkpoints ?? [];
  } catch {
    // a damaged manifest is replaced by one naming the new checkpoint only
  }
  // entries at or after this step belong to a run abandoned by a resume from an earlier checkpoint
  const kept = [{ file, step: ckpt.step, ...d }, ...previous.filter((e) => e.step < ckpt.step)].slice(0, CHECKPOINTS_KEPT);
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify({ version: 1, checkpoints: kept } satisfies CheckpointManifest)}\n`);
  const names = new Set([MANIFEST_FILE, ...kept.map((e) => e.file)]);
  for (const f of readdirSync(dir)) {
    if (names.has(f) || !/^state(-\d+)?\.json$/.test(f)) continue;
    try {
      unlinkSync(join(dir, f));
    } catch {
      // cleanup only: a leftover old checkpoint is harmless
    }
  }
  return path;
}

function parseCheckpoint(path: string, text: string): Checkpoint {
  let c: Partial<Checkpoint>;
  try {
    c = JSON.parse(text) as Partial<Checkpoint>;
  } catch (e) {
    throw new ConfigError(`${path}: unreadable checkpoint (${(e as Error).message})`);
  }
  if (c.version !== 1 || typeof c.step !== 'number' || typeof c.configHash !== 'string' || !('trainer' in c)) {
    throw new ConfigError(`${path}: expected a version 1 checkpoint with step, configHash and trainer`);
  }
  return c as Checkpoint;
}

/** Why `entry`'s file cannot be trusted, or undefined when it matches the manifest. */
function verify(dir: string, entry: CheckpointEntry): { problem?: string; text?: string } {
  const path = join(dir, entry.file);
  if (!existsSync(path)) return { problem: 'missing' };
  const data = readFileSync(path);
  const got = digest(data);
  if (got.bytes !== entry.bytes) return { problem: `${got.bytes} bytes, the manifest says ${entry.bytes}` };
  if (got.sha256 !== entry.sha256) return { problem: 'SHA-256 differs from the manifest' };
  return { text: data.toString('utf8') };
}

export interface ReadCheckpointOptions {
  /** Told when the newest checkpoint is corrupt and an older one is used instead. */
  warn?: (message: string) => void;
}

/**
 * The newest intact checkpoint in `dir` (undefined when there is none at all). A corrupt newest checkpoint
 * falls back to the previous one with a warning; when none is intact this is a ConfigError naming each problem.
 */
export function readCheckpoint(dir: string, o: ReadCheckpointOptions = {}): Checkpoint | undefined {
  const manifest = readManifest(dir);
  if (!manifest) {
    const legacy = join(dir, CHECKPOINT_FILE);
    return existsSync(legacy) ? parseCheckpoint(legacy, readFileSync(legacy, 'utf8')) : undefined;
  }
  const problems: string[] = [];
  for (const entry of manifest.checkpoints) {
    const path = join(dir, entry.file);
    const v = verify(dir, entry);
    if (v.text === undefined) {
      problems.push(`${path} (step ${entry.step}): ${v.problem}`);
      continue;
    }
    const ckpt = parseCheckpoint(path, v.text);
    if (problems.length) o.warn?.(`corrupt checkpoint ${problems.join('; ')}; using the previous good checkpoint, step ${ckpt.step}`);
    return ckpt;
  }
  throw new ConfigError(`${dir}: no intact checkpoint: ${problems.join('; ') || 'the manifest lists none'}`);
}
