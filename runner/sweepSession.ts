// What a sweep does around running its runs, the same on the local pool and on a queue: load and plan the sweep, lock
// its directory, decide per run (skip finished, resume from a checkpoint, or start), and at the end read every run's
// summary into results.csv and summary.md and choose the exit code.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackendName } from '../core/index.js';
import { MANIFEST_FILE } from './checkpoint.js';
import { EXIT } from './errors.js';
import { writeFileAtomic } from './fsio.js';
import { lockRunDir, type RunDirLock } from './runDir.js';
import { signalExitCode, type StopSignal } from './signals.js';
import { loadSweep, runOverrides, type LoadedSweep } from './sweepConfig.js';
import type { PlannedRun } from './sweepPlan.js';
import { bestRun, readSummary, resultsCsv, rowFromSummary, statusCounts, summaryMarkdown, type RunRow } from './sweepResults.js';

/** What a rerun does with a run: nothing (finished), resume it from its checkpoint, or start it. */
export type RunState = 'done' | 'resume' | 'fresh';

export function runState(runDir: string): RunState {
  const s = readSummary(runDir);
  if (s && (s.status === 'completed' || s.status === 'diverged')) return 'done';
  return existsSync(join(runDir, 'checkpoint', MANIFEST_FILE)) ? 'resume' : 'fresh';
}

/** `fluxion run` arguments of one run, without --out and --resume (the executor adds them). */
export function runArgs(loaded: LoadedSweep, basePath: string, run: PlannedRun, backend?: BackendName): string[] {
  return [
    'run',
    basePath,
    '--quiet',
    '--config-dir',
    loaded.configDir,
    ...runOverrides(loaded.sweep, run).flatMap((o) => ['--set', o.text]),
    ...(backend ? ['--backend', backend] : []),
  ];
}

export interface SweepResult {
  exitCode: number;
  dir: string;
  rows: RunRow[];
}

export interface SweepSession {
  loaded: LoadedSweep;
  /** The sweep directory (runs/<sweep name> by default). */
  dir: string;
  /** The base config file the runs read (the sweep's, or <dir>/base.yaml for an inline base). */
  basePath: string;
  states: Map<PlannedRun, RunState>;
  /** The runs still to do, in plan order. */
  todo: PlannedRun[];
  runDir(run: PlannedRun): string;
  lock: RunDirLock;
}

export function openSweep(sweepPath: string, outDir: string | undefined, log: (line: string) => void): SweepSession {
  const loaded = loadSweep(sweepPath, (w) => log(`warning: ${w}`));
  const dir = resolve(outDir ?? join('runs', loaded.sweep.name));
  // one sweep per directory at a time (each run also locks its own directory)
  const lock = lockRunDir(dir);
  try {
    const basePath = loaded.basePath ?? join(dir, 'base.yaml');
    if (!loaded.basePath) writeFileAtomic(basePath, loaded.baseText);
    const runDir = (r: PlannedRun): string => join(dir, r.id);
    const states = new Map(loaded.runs.map((r) => [r, runState(runDir(r))]));
    const todo = loaded.runs.filter((r) => states.get(r) !== 'done');
    return { loaded, dir, basePath, states, todo, runDir, lock };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** 'sweep NAME: 4 runs (1 finished, 1 to resume, 2 to start)'. */
export function planLine(s: SweepSession): string {
  const count = (st: RunState): number => [...s.states.values()].filter((v) => v === st).length;
  return `sweep ${s.loaded.sweep.name}: ${s.loaded.runs.length} runs (${count('done')} finished, ${count('resume')} to resume, ${count('fresh')} to start)`;
}

/** '(training.lr=0.003, seed=1; resuming)' for progress lines. */
export function runLabel(s: SweepSession, run: PlannedRun): string {
  const setting = Object.entries(run.setting).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `(${[...setting, `seed=${run.seed}`].join(', ')}${s.states.get(run) === 'resume' ? '; resuming' : ''})`;
}

export const fmtMetric = (v: number | undefined): string => (v === undefined ? '-' : v.toExponential(3));

/** One line for a run that ended: its status and summary values, or where its log is. */
export function endedLine(s: SweepSession, run: PlannedRun, status: RunRow['status'], why?: string): string {
  if (status === 'failed') return `failed (${why ?? 'error'}; see ${join(s.runDir(run), 'run.log')})`;
  const sum = readSummary(s.runDir(run));
  return `${status}, ${sum?.steps ?? '?'} steps, loss ${fmtMetric(sum?.loss)}, l2re ${fmtMetric(sum?.l2re)}`;
}

export interface SweepEnd {
  /** Status of the runs executed this time (failed / interrupted override an older summary). */
  outcomes: Map<PlannedRun, RunRow['status']>;
  signal?: StopSignal;
  /** A line saying why the sweep stopped early other than a signal (budget), if it did. */
  stoppedEarly?: string;
  quiet: boolean;
  log: (line: string) => void;
}

/** Writes results.csv and summary.md from the runs' summaries, prints the closing line, returns the exit code. */
export function finishSweep(s: SweepSession, end: SweepEnd): SweepResult {
  const { sweep, runs } = s.loaded;
  const rows = runs.map((r) => {
    const row = rowFromSummary(r, readSummary(s.runDir(r)));
    const now = end.outcomes.get(r);
    // a run that failed or was stopped this time keeps no stale status of an earlier attempt
    if (now === 'failed' || (now === 'interrupted' && row.status !== 'interrupted')) return { run: r, status: now };
    return row;
  });
  writeFileAtomic(join(s.dir, 'results.csv'), resultsCsv(rows));
  writeFileAtomic(join(s.dir, 'summary.md'), summaryMarkdown(sweep.name, rows, sweep.metric));
  const c = statusCounts(rows);
  const best = bestRun(rows, sweep.metric);
  const tail = `results in ${join(s.dir, 'results.csv')} and ${join(s.dir, 'summary.md')}`;
  const counts = Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => `${n} ${st}`)
    .join(', ');
  if (end.signal) end.log(`sweep ${sweep.name} stopped by ${end.signal}: ${counts}; rerun the same command to continue; ${tail}`);
  else if (end.stoppedEarly) end.log(`sweep ${sweep.name}: ${end.stoppedEarly}: ${counts}; rerun to continue; ${tail}`);
  else if (!end.quiet)
    end.log(
      `sweep ${sweep.name}: ${counts}${best ? `; best ${best.run.id} ${sweep.metric} ${fmtMetric(best[sweep.metric])}` : ''}; ${tail}`,
    );
  if (c.failed > 0) end.log(`error: ${c.failed} run(s) failed; each run's output is in <run dir>/run.log`);
  const exitCode = end.signal ? signalExitCode(end.signal) : c.failed > 0 ? EXIT.failure : EXIT.ok;
  return { exitCode, dir: s.dir, rows };
}
