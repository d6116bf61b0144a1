// Timing helper shared by the benchmark scripts. The machine is shared, so the minimum over
// repeats is reported: it is the run least disturbed by other load.

/**
 * Best (minimum) wall time in seconds of `reps` calls of `f`. With `warmup`, one untimed call
 * first (JIT, caches); leave it off where a single call is already long.
 */
export function best(reps: number, f: () => void, warmup = false): number {
  if (warmup) f();
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
}

/**
 * Wall and process CPU time (user + system, all threads) in seconds of one call of `f`. On an oversubscribed machine
 * the CPU time is the steadier of the two: time the process spends preempted counts in the wall time only.
 */
export function wallAndCpu(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/** Median wall time in milliseconds of `reps` calls of `f`, after one untimed warm-up (compile) call. */
export function medianMs(reps: number, f: () => void): number {
  f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

/** best() for asynchronous work (a step that ends by awaiting a read-back from the GPU). */
export async function bestAsync(reps: number, f: () => Promise<unknown>, warmup = false): Promise<number> {
  if (warmup) await f();
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await f();
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
}
