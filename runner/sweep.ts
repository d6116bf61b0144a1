// `fluxion sweep sweep.yaml`: every planned run in its own directory runs/<sweep>/<run id>/, on a local pool of
// child processes (`fluxion run` with the run's --set overrides). Rerunning skips finished runs and resumes
// interrupted ones from their checkpoints (`--resume`); SIGINT / SIGTERM stop the children at a checkpoint and the
// results of finished runs are written. Ends with results.csv and summary.md in the sweep directory.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendName } from '../core/index.js';
import { MANIFEST_FILE } from './checkpoint.js';
import { ConfigError, EXIT } from './errors.js';
import { ensureDir, writeFileAtomic } from './fsio.js';
import { lockRunDir } from './runDir.js';
import { signalExitCode, type StopSignal } from './signals.js';
import { runOverrides, loadSweep, type LoadedSweep } from './sweepConfig.js';
import { launchCli, type ChildExit } from './sweepChild.js';
import type { PlannedRun } from './sweepPlan.js';
import { runPool } from './sweepPool.js';
import { makeSweepProgress } from './sweepProgress.js';
import { bestRun, readSummary, resultsCsv, rowFromSummary, statusCounts, summaryMarkdown, type RunRow } from './sweepResults.js';

export interface SweepOptions {
  sweepPath: string;
  /** Sweep directory (default runs/<sweep name>). */
  outDir?: string;
  /** Child processes at once (default: one per core). */
  workers?: number;
  backend?: BackendName;
  quiet?: boolean;
  /** Messages and progress lines (default stderr). */
  log?: (line: string) => void;
  /** A terminal for the progress bar (default none: plain lines through `log`). */
  tty?: NodeJS.WriteStream;
}

export interface SweepResult {
  exitCode: number;
  dir: string;
  rows: RunRow[];
}

/** What a rerun does with a run: nothing (finished), resume it from its checkpoint, or start it. */
export type RunState = 'done' | 'resume' | 'fresh';

export function runState(runDir: string): RunState {
  const s = readSummary(runDir);
  if (s && (s.status === 'completed' || s.status === 'diverged')) return 'done';
  return existsSync(join(runDir, 'checkpoint', MANIFEST_FILE)) ? 'resume' : 'fresh';
}

/** `fluxion run` arguments of one run. */
export function runArgs(
  loaded: LoadedSweep,
  basePath: string,
  run: PlannedRun,
  runDir: string,
  resume: boolean,
  backend?: BackendName,
): string[] {
  return [
    'run',
    basePath,
    '--out',
    runDir,
    '--quiet',
    '--config-dir',
    loaded.configDir,
    ...runOverrides(loaded.sweep, run).flatMap((o) => ['--set', o.text]),
    ...(resume ? ['--resume'] : []),
    ...(backend ? ['--backend', backend] : []),
  ];
}

/** How a child's exit reads in the results: 0 completed, 3 diverged, a signal interrupted, anything else failed. */
function outcomeOf(exit: ChildExit): RunRow['status'] {
  if (exit.code === EXIT.ok) return 'completed';
  if (exit.code === EXIT.diverged) return 'diverged';
  if (exit.code === EXIT.interrupted || exit.code === EXIT.terminated || exit.signal) return 'interrupted';
  return 'failed';
}

const fmt = (v: number | undefined): string => (v === undefined ? '-' : v.toExponential(3));

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const loaded = loadSweep(o.sweepPath, (w) => log(`warning: ${w}`));
  const { sweep, runs } = loaded;
  const workers = o.workers ?? availableParallelism();
  const dir = resolve(o.outDir ?? join('runs', sweep.name));
  // one sweep per directory at a time (each run also locks its own directory)
  const lock = lockRunDir(dir);
  try {
    const basePath = loaded.basePath ?? join(dir, 'base.yaml');
    if (!loaded.basePath) writeFileAtomic(basePath, loaded.baseText);
    const runDir = (r: PlannedRun): string => join(dir, r.id);
    const states = new Map(runs.map((r) => [r, runState(runDir(r))]));
    const todo = runs.filter((r) => states.get(r) !== 'done');
    const count = (s: RunState): number => [...states.values()].filter((v) => v === s).length;
    if (!o.quiet)
      log(
        `sweep ${sweep.name}: ${runs.length} runs (${count('done')} finished, ${count('resume')} to resume, ${count('fresh')} to start) on ${Math.min(workers, Math.max(1, todo.length))} worker(s); outputs in ${dir}`,
      );

    const stop = new AbortController();
    let signal: StopSignal | undefined;
    let outOfTime = false;
    const onSignal = (s: StopSignal): void => {
      signal ??= s;
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const maxWall = sweep.budget.max_wall_time;
    const timer =
      maxWall === undefined
        ? undefined
        : setTimeout(() => {
            outOfTime = true;
            stop.abort();
          }, maxWall * 1000);
    const progress = makeSweepProgress({ quiet: !!o.quiet, tty: o.tty, write: log });
    const outcomes = new Map<PlannedRun, RunRow['status']>();
    try {
      progress.start(runs.length, runs.length - todo.length);
      await runPool(
        todo,
        workers,
        (r) => {
          ensureDir(runDir(r), (reason) => new ConfigError(`run directory '${runDir(r)}': ${reason}`));
          return launchCli(runArgs(loaded, basePath, r, runDir(r), states.get(r) === 'resume', o.backend), join(runDir(r), 'run.log'));
        },
        {
          started: (r) => {
            const setting = Object.entries(r.setting).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
            progress.started(r.id, `(${[...setting, `seed=${r.seed}`].join(', ')}${states.get(r) === 'resume' ? '; resuming' : ''})`);
          },
          ended: (r, exit) => {
            const status = outcomeOf(exit);
            outcomes.set(r, status);
            const s = readSummary(runDir(r));
            const detail =
              status === 'failed'
                ? `failed (exit ${exit.code}; see ${join(runDir(r), 'run.log')})`
                : `${status}, ${s?.steps ?? '?'} steps, loss ${fmt(s?.loss)}, l2re ${fmt(s?.l2re)}`;
            progress.ended(r.id, detail);
          },
        },
        stop.signal,
      );
    } finally {
      progress.stop();
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }

    const rows = runs.map((r) => {
      const row = rowFromSummary(r, readSummary(runDir(r)));
      const now = outcomes.get(r);
      // a run that failed or was stopped this time keeps no stale status of an earlier attempt
      if (now === 'failed' || (now === 'interrupted' && row.status !== 'interrupted')) return { run: r, status: now };
      return row;
    });
    writeFileAtomic(join(dir, 'results.csv'), resultsCsv(rows));
    writeFileAtomic(join(dir, 'summary.md'), summaryMarkdown(sweep.name, rows, sweep.metric));

    const c = statusCounts(rows);
    const best = bestRun(rows, sweep.metric);
    const tail = `results in ${join(dir, 'results.csv')} and ${join(dir, 'summary.md')}`;
    const counts = Object.entries(c)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    if (signal) log(`sweep ${sweep.name} stopped by ${signal}: ${counts}; rerun the same command to continue; ${tail}`);
    else if (outOfTime) log(`sweep ${sweep.name}: budget.max_wall_time (${maxWall} s) reached: ${counts}; rerun to continue; ${tail}`);
    else if (!o.quiet)
      log(`sweep ${sweep.name}: ${counts}${best ? `; best ${best.run.id} ${sweep.metric} ${fmt(best[sweep.metric])}` : ''}; ${tail}`);
    if (c.failed > 0) log(`error: ${c.failed} run(s) failed; each run's output is in <run dir>/run.log`);
    const exitCode = signal ? signalExitCode(signal) : c.failed > 0 ? EXIT.failure : EXIT.ok;
    return { exitCode, dir, rows };
  } finally {
    lock.release();
  }
}
