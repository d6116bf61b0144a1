// How many threads one process's kernels may use: FLUXION_THREADS (a positive integer) when set, else one per core.
// The wasm kernels use at most two (the calling thread and one GEMM helper); the sweep pool divides the budget among
// its lanes (floor(budget / workers) each), so a pool never runs more kernel threads than there are cores.
import { availableParallelism } from 'node:os';

export const THREADS_ENV = 'FLUXION_THREADS';

/** The thread budget from `env` (default process.env); throws naming FLUXION_THREADS on a bad value. */
export function threadBudget(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const v = env[THREADS_ENV];
  if (v === undefined || v.trim() === '') return availableParallelism();
  if (!/^\s*\d+\s*$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v)))
    throw new Error(`${THREADS_ENV}: expected a positive integer (threads one process may use), got '${v}'`);
  return Number(v);
}
