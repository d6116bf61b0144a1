// bench/pinnacle/records.jsonl: one JSON object per finished run, appended; the tables are computed from it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Setting } from './args.js';

export type RunStatus = 'completed' | 'budget' | 'diverged' | 'failed';

export interface RunRecord {
  problem: string;
  /** the config trained, relative to the repository (a stand-in from configs/ for some ids) */
  config?: string;
  /** configDigest of the config as trained (method variant and rebased paths included): which version of it ran */
  config_sha256?: string;
  method: string;
  seed: number;
  setting: Setting;
  /** steps asked for, and steps trained (fewer when the budget or a divergence stopped the run) */
  steps_requested: number;
  steps: number;
  /** training wall time in seconds (the runner's summary; process start-up and output writing excluded) */
  wall_s: number;
  budget_s: number;
  status: RunStatus;
  /** L2RE over all fields jointly; null when the run produced none */
  l2re: number | null;
  l2re_fields?: Record<string, number>;
  /** ISO date the run ended */
  date: string;
  commit: string;
  machine: string;
  backend?: string;
  /** the first line of the error of a failed run */
  message?: string;
}

/** The first 16 hex digits of the SHA-256 of a config's text: the commit alone does not say, since edits under bench/ leave it clean. */
export function configDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function appendRecord(file: string, r: RunRecord): void {
  appendFileSync(file, `${JSON.stringify(r)}\n`);
}

const isRecord = (v: unknown): v is RunRecord => {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.problem === 'string' &&
    typeof r.method === 'string' &&
    typeof r.seed === 'number' &&
    typeof r.steps_requested === 'number' &&
    typeof r.wall_s === 'number' &&
    (r.l2re === null || typeof r.l2re === 'number')
  );
};

/** The records of `file` (none when it does not exist); a malformed line is an error naming its line number. */
export function readRecords(file: string): RunRecord[] {
  if (!existsSync(file)) return [];
  const out: RunRecord[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${i + 1}: expected one JSON object per line`);
      }
      if (!isRecord(v)) throw new Error(`${file}:${i + 1}: expected a run record (problem, method, seed, steps_requested, wall_s, l2re)`);
      out.push(v);
    });
  return out;
}

/**
 * Short commit of `repoRoot`, with '-dirty' when tracked files that can change a run differ from it (edits under
 * bench/ and test/ and of markdown do not); 'unknown' outside git.
 */
export function gitCommit(repoRoot: string): string {
  try {
    const git = (...a: string[]): string => execFileSync('git', ['-C', repoRoot, ...a], { encoding: 'utf8', stdio: 'pipe' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench', ':!test', ':!*.md');
    return changed === '' ? head : `${head}-dirty`;
  } catch {
    return 'unknown';
  }
}

/** CPU model and count, Node version, and the load average when the run started (a shared machine's noise). */
export function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown CPU'} x${c.length}, node ${process.version}, load ${loadavg()[0].toFixed(1)}`;
}
