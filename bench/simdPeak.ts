// The measured machine limit for the wasm kernels: register-only f32x4 multiply-add loops
// (core/wasm/assembly/peak.ts) on one thread and on two at once (the main thread plus one worker on the
// same module). Every GEMM figure in bench/ is reported as a share of this. Run alone:
// npx tsx bench/simdPeak.ts
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { loadKernels, type WasmKernels } from '../core/wasm/kernels.js';

/** Flops of one round of the probe loops: 12 chains x 4 lanes x (mul + add). */
const FLOPS_PER_ROUND = 96;
const X = 0.999,
  Y = 1e-3;

export type PeakKind = 'madd' | 'muladd';

export interface SimdPeak {
  variant: string;
  /** 'madd': relaxed_madd (one FMA in the relaxed build); 'muladd': separate f32x4.mul + f32x4.add. */
  kind: PeakKind;
  threads: 1 | 2;
  /** Best over the trials, total for all threads. */
  gflops: number;
  /**
   * Best flops per CPU-second of the process (all threads): what the loop does while it has a core. On a
   * machine shared with other jobs this is the steadier limit; wall-clock figures include descheduling.
   */
  gflopPerCpuSecond: number;
}

const fnName = (kind: PeakKind): string => `peak_${kind}_f32`;

// Plain JS so the worker needs no TypeScript loader: waits for GO, runs the probe, reports its seconds.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, fn, rounds, x, y } = workerData;
const I = new Int32Array(control);
const F = new Float64Array(control, 16, 1);
const ex = new WebAssembly.Instance(module, { env: { memory, sin: Math.sin, cos: Math.cos } }).exports;
ex[fn](1000, 1, x, y);
Atomics.store(I, 0, 1); Atomics.notify(I, 0);
for (;;) {
  Atomics.wait(I, 1, 0);
  if (Atomics.load(I, 1) === 2) break;
  const t0 = performance.now();
  ex[fn](rounds, 2, x, y);
  F[0] = (performance.now() - t0) / 1e3;
  Atomics.store(I, 1, 0); Atomics.notify(I, 1);
}
`;

const cpuSeconds = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1e6;

function runOne(kern: WasmKernels, fn: string, rounds: number): number {
  const f = kern.raw[fn] as (iters: number, seed: number, x: number, y: number) => number;
  const t0 = performance.now();
  f(rounds, 1, X, Y);
  return (performance.now() - t0) / 1e3;
}

/** Best GFLOP/s (wall and per CPU-second) of `trials` runs of `rounds` probe rounds on 1 or 2 threads. */
export function measurePeak(kern: WasmKernels, kind: PeakKind, threads: 1 | 2, rounds = 2e7, trials = 7): SimdPeak {
  const fn = fnName(kind);
  runOne(kern, fn, 1000);
  let best = 0,
    bestCpu = 0;
  const flops = threads * FLOPS_PER_ROUND * rounds;
  if (threads === 1) {
    for (let t = 0; t < trials; t++) {
      const c0 = process.cpuUsage();
      const wall = runOne(kern, fn, rounds);
      best = Math.max(best, flops / wall / 1e9);
      bestCpu = Math.max(bestCpu, flops / cpuSeconds(process.cpuUsage(c0)) / 1e9);
    }
    return { variant: kern.variant, kind, threads, gflops: best, gflopPerCpuSecond: bestCpu };
  }
  const control = new SharedArrayBuffer(24);
  const I = new Int32Array(control);
  const F = new Float64Array(control, 16, 1);
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { module: kern.module, memory: kern.memory, control, fn, rounds, x: X, y: Y },
  });
  try {
    if (Atomics.wait(I, 0, 0, 10_000) === 'timed-out' && Atomics.load(I, 0) === 0) throw new Error('simdPeak: worker did not start');
    for (let t = 0; t < trials; t++) {
      const c0 = process.cpuUsage();
      Atomics.store(I, 1, 1);
      Atomics.notify(I, 1);
      const mine = runOne(kern, fn, rounds);
      while (Atomics.load(I, 1) === 1) Atomics.wait(I, 1, 1, 10_000);
      // both threads ran the same work: the slower one bounds the pair
      best = Math.max(best, flops / Math.max(mine, F[0]) / 1e9);
      bestCpu = Math.max(bestCpu, flops / cpuSeconds(process.cpuUsage(c0)) / 1e9);
    }
  } finally {
    Atomics.store(I, 1, 2);
    Atomics.notify(I, 1);
    void worker.terminate();
  }
  return { variant: kern.variant, kind, threads, gflops: best, gflopPerCpuSecond: bestCpu };
}

/** Every probe: madd and mul+add on the baseline and relaxed builds, 1 and 2 threads. */
export function measureAllPeaks(trials = 7): SimdPeak[] {
  const out: SimdPeak[] = [];
  for (const kern of [loadKernels({ relaxed: false }), loadKernels({ relaxed: true, enableRelaxedFlag: true })]) {
    for (const kind of ['madd', 'muladd'] as const) {
      // the baseline build's madd is mul + add: measured once, as 'muladd'
      if (kern.variant === 'simd' && kind === 'madd') continue;
      for (const threads of [1, 2] as const) out.push(measurePeak(kern, kind, threads, 2e7, trials));
    }
  }
  return out;
}

/**
 * The limit GEMMs are measured against, in GFLOP/s for `threads` threads: one core's best probe rate per
 * CPU-second (what the loop does while it holds a core; the best wall-clock probe where that is higher)
 * times the thread count. On this shared machine a wall-clock probe rarely holds its cores for its whole
 * run, two threads least of all, so the per-CPU-second rate is the machine's limit, not a lucky moment.
 */
export function peakFor(peaks: readonly SimdPeak[], variant: string, threads: number): number {
  const mine = peaks.filter((p) => p.variant === variant);
  const perCore = Math.max(...mine.map((p) => p.gflopPerCpuSecond), ...mine.filter((p) => p.threads === 1).map((p) => p.gflops));
  return threads * perCore;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const p of measureAllPeaks())
    console.log(`${p.variant.padEnd(7)} ${p.kind.padEnd(6)} threads=${p.threads}: ${p.gflops.toFixed(1)} GFLOP/s`);
}
