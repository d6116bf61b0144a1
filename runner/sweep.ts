// `fluxion sweep sweep.yaml` on the local pool: every planned run is `fluxion run` with the run's --set overrides, in
// one of the pool's long-lived child processes (sweepLane.ts), in its own directory runs/<sweep>/<run id>/. Rerunning skips finished runs and resumes interrupted
// ones from their checkpoints (`--resume`); SIGINT / SIGTERM and budget.max_wall_time stop the children at a
// checkpoint, and the results of finished runs are written (results.csv, summary.md).
import { join } from 'node:path';
import type { BackendName } from '../core/index.js';
import { ConfigError, EXIT } from './errors.js';
import { ensureDir } from './fsio.js';
import type { StopSignal } from './signals.js';
import { Lanes, type ChildExit } from './sweepLane.js';
import { checkedThreadBudget, laneThreadEnv } from './threads.js';
import { runPool } from './sweepPool.js';
import { makeSweepProgress } from './sweepProgress.js';
import type { RunRow } from './sweepResults.js';
import { endedLine, finishSweep, openSweep, planLine, runArgs, runLabel, type SweepResult } from './sweepSession.js';

export { runState, type RunState, type SweepResult } from './sweepSession.js';

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

/** How a child's exit reads in the results: 0 completed, 3 diverged, a signal interrupted, anything else failed. */
export function outcomeOf(code: number, signal?: string): RunRow['status'] {
  if (code === EXIT.ok) return 'completed';
  if (code === EXIT.diverged) return 'diverged';
  if (code === EXIT.interrupted || code === EXIT.terminated || signal) return 'interrupted';
  return 'failed';
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const s = openSweep(o.sweepPath, o.outDir, log);
  try {
    // the thread budget (FLUXION_THREADS, else the cores) is shared: each lane's kernels get floor(budget / workers)
    // threads, so 2 workers on 2 cores run no GEMM helper threads beside each other; results are the same bits
    const threads = checkedThreadBudget();
    const workers = o.workers ?? threads;
    const budget = s.loaded.sweep.budget;
    if (!o.quiet) log(`${planLine(s)} on ${Math.min(workers, Math.max(1, s.todo.length))} worker(s); outputs in ${s.dir}`);
    const stop = new AbortController();
    let signal: StopSignal | undefined;
    let outOfTime = false;
    const onSignal = (sig: StopSignal): void => {
      signal ??= sig;
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const timer =
      budget.max_wall_time === undefined
        ? undefined
        : setTimeout(() => {
            outOfTime = true;
            stop.abort();
          }, budget.max_wall_time * 1000);
    const progress = makeSweepProgress({ quiet: !!o.quiet, tty: o.tty, write: log });
    const outcomes = new Map<(typeof s.todo)[number], RunRow['status']>();
    const lanes = new Lanes(laneThreadEnv(workers, threads));
    try {
      progress.start(s.loaded.runs.length, s.loaded.runs.length - s.todo.length);
      await runPool<(typeof s.todo)[number], ChildExit>(
        s.todo,
        workers,
        (r, lane) => {
          const dir = s.runDir(r);
          ensureDir(dir, (reason) => new ConfigError(`run directory '${dir}': ${reason}`));
          const resume = s.states.get(r) === 'resume' ? ['--resume'] : [];
          return lanes.run(lane, [...runArgs(s.loaded, s.basePath, r, o.backend), '--out', dir, ...resume], join(dir, 'run.log'));
        },
        {
          started: (r) => progress.started(r.id, runLabel(s, r)),
          ended: (r, exit) => {
            const status = outcomeOf(exit.code, exit.signal);
            outcomes.set(r, status);
            progress.ended(r.id, endedLine(s, r, status, `exit ${exit.code}`));
          },
        },
        stop.signal,
      );
    } finally {
      lanes.close();
      progress.stop();
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const stoppedEarly = outOfTime ? `budget.max_wall_time (${budget.max_wall_time} s) reached` : undefined;
    return finishSweep(s, { outcomes, signal, stoppedEarly, quiet: !!o.quiet, log });
  } finally {
    s.lock.release();
  }
}
