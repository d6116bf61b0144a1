// A local worker pool: at most `workers` jobs at a time, in order. Stopping (the AbortSignal) launches nothing more
// and asks every running job to stop; the pool settles once all running jobs have ended.

/** A started job: `done` settles with its result; `stop()` asks it to end early (it still settles `done`). */
export interface Launched<R> {
  done: Promise<R>;
  stop(): void;
}

export interface PoolHooks<J, R> {
  started?(job: J): void;
  ended?(job: J, result: R): void;
}

/**
 * Runs `launch` over `jobs` with at most `workers` at once; returns the results of the jobs that were launched.
 * `launch` gets the lane (0 .. workers-1) the job runs in: one job per lane at a time.
 */
export async function runPool<J, R>(
  jobs: readonly J[],
  workers: number,
  launch: (job: J, lane: number) => Launched<R>,
  hooks: PoolHooks<J, R> = {},
  signal?: AbortSignal,
): Promise<Map<J, R>> {
  const results = new Map<J, R>();
  const running = new Set<Launched<R>>();
  const onAbort = (): void => {
    for (const r of running) r.stop();
  };
  signal?.addEventListener('abort', onAbort);
  let next = 0;
  const lane = async (_: unknown, index: number): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const job = jobs[next++];
      const l = launch(job, index);
      running.add(l);
      hooks.started?.(job);
      try {
        const r = await l.done;
        results.set(job, r);
        hooks.ended?.(job, r);
      } finally {
        running.delete(l);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return results;
}
