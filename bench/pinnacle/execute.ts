// One training run as a child process (`node bin/fluxion.js run <cfg> --out <dir> --steps N --quiet`) under a
// wall-clock budget: at the budget it gets SIGINT, and the runner stops at the next step boundary, writing its
// checkpoint and summary.json (L2RE evaluated at that step). Progress comes from the run's metrics.jsonl.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunStatus } from './records.js';

export interface RunRequest {
  cli: string;
  config: string;
  outDir: string;
  steps?: number;
  budgetS: number;
  /** called with a progress line every `progressEveryS` seconds while the run trains */
  onProgress?: (line: string) => void;
  progressEveryS?: number;
  /** after SIGINT, how long to wait before SIGKILL (an evaluation or L-BFGS step may take a while) */
  graceS?: number;
}

export interface RunOutcome {
  status: RunStatus;
  exitCode: number | null;
  steps: number;
  wallS: number;
  l2re: number | null;
  perField?: Record<string, number>;
  /** the compute backend the runner reports */
  backend?: string;
  message?: string;
}

interface SummaryJson {
  backend?: string;
  status?: string;
  steps?: number;
  wall_time?: number;
  l2re?: number;
  per_field?: Record<string, number>;
  message?: string;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** 'step 300, loss 1.2e-2, l2re 4.5e-1' from the last line of metrics.jsonl, or undefined before the first. */
export function lastMetricsLine(outDir: string): string | undefined {
  const file = join(outDir, 'metrics.jsonl');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  let m: { step?: number; loss?: number; l2re?: number } | null;
  try {
    m = JSON.parse(lines[lines.length - 1]) as { step?: number; loss?: number; l2re?: number } | null;
  } catch {
    return undefined; // empty, or a line being written
  }
  if (!m || m.step === undefined) return undefined;
  const l2re = m.l2re !== undefined ? `, l2re ${m.l2re.toExponential(2)}` : '';
  return `step ${m.step}, loss ${m.loss?.toExponential(2)}${l2re}`;
}

export function executeRun(r: RunRequest): Promise<RunOutcome> {
  const args = [r.cli, 'run', r.config, '--out', r.outDir, '--quiet', ...(r.steps !== undefined ? ['--steps', String(r.steps)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const t0 = performance.now();
  let budgetHit = false;
  const timers: NodeJS.Timeout[] = [];
  timers.push(
    setTimeout(() => {
      budgetHit = true;
      child.kill('SIGINT');
      timers.push(setTimeout(() => child.kill('SIGKILL'), (r.graceS ?? 120) * 1000));
    }, r.budgetS * 1000),
  );
  if (r.onProgress) {
    const every = (r.progressEveryS ?? 60) * 1000;
    let last: string | undefined;
    timers.push(
      setInterval(() => {
        const line = lastMetricsLine(r.outDir);
        if (line && line !== last) r.onProgress!(`${line} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
        last = line;
      }, every),
    );
  }
  return new Promise((done) => {
    child.on('close', (code) => {
      for (const t of timers) clearTimeout(t);
      const wall = (performance.now() - t0) / 1000;
      const s = readJson<SummaryJson>(join(r.outDir, 'summary.json'));
      // the CLI's own error line (warnings may come first), else the last line it wrote
      const lines = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      const errorLine = lines.find((l) => /^error\b/i.test(l)) ?? lines[lines.length - 1];
      let status: RunStatus;
      if (code === 0 && s?.status === 'completed') status = 'completed';
      else if (budgetHit && s?.status === 'interrupted') status = 'budget';
      else if (s?.status === 'diverged') status = 'diverged';
      else status = 'failed';
      done({
        status,
        exitCode: code,
        steps: s?.steps ?? 0,
        wallS: s?.wall_time ?? wall,
        l2re: status === 'completed' || status === 'budget' ? (s?.l2re ?? null) : null,
        ...(s?.per_field ? { perField: s.per_field } : {}),
        ...(s?.backend ? { backend: s.backend } : {}),
        ...(status === 'failed' || status === 'diverged' ? { message: s?.message ?? errorLine ?? `exit code ${code}` } : {}),
      });
    });
  });
}
