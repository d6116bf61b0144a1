// The thread budget as the CLI uses it: FLUXION_THREADS (else the cores) checked like any user input, and divided
// among a pool's lanes so that workers x kernel threads never exceeds it.
import { THREADS_ENV, threadBudget } from '../core/threads.js';
import { ConfigError } from './errors.js';

/** The thread budget; a bad FLUXION_THREADS is a ConfigError (one line, exit 2). */
export function checkedThreadBudget(env: Readonly<Record<string, string | undefined>> = process.env): number {
  try {
    return threadBudget(env);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

/** Kernel threads of each of `workers` lanes sharing `budget`: floor(budget / workers), at least 1. */
export const laneThreads = (workers: number, budget: number): number => Math.max(1, Math.floor(budget / workers));

/** The environment that gives a lane its share: FLUXION_THREADS=laneThreads(workers, budget). */
export const laneThreadEnv = (workers: number, budget: number): Record<string, string> => ({
  [THREADS_ENV]: String(laneThreads(workers, budget)),
});
