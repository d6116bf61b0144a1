// GEMM and elementwise throughput of the wasm kernels: 1 vs 2 threads, baseline vs relaxed SIMD, against
// a naive JS triple loop, and every GEMM as a share of the measured SIMD peak (bench/simdPeak.ts) on the
// shapes of the PINN step and its backward (bench/profile.ts lists them) and of the FNO step.
// Run: npx tsx bench/gemm.ts [--quick] [--write] (--write updates bench/results-gemm.json)
// The machine has 2 cores shared with other developers: numbers are noisy (load average is recorded).
import { loadavg, cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_THREAD_MIN_FLOPS, loadKernels, type WasmKernels, type UnaryOp } from '../core/wasm/kernels.js';
import { buildExists } from '../core/wasm/module.js';
import { writeResults } from './results.js';
import { measureAllPeaks, peakFor, type SimdPeak } from './simdPeak.js';

const quick = process.argv.includes('--quick');
const MIN_MS = quick ? 150 : 400;
const TRIALS = quick ? 2 : 3;

/**
 * Best-of-TRIALS mean wall time per call (ms), each trial running `fn` for at least MIN_MS, and the
 * process CPU time per call in that trial (all threads): on a loaded machine flops per CPU-second
 * says what the kernel does while it actually has a core.
 */
function timeIt(fn: () => void): { ms: number; cpuMs: number } {
  fn();
  let best = { ms: Infinity, cpuMs: Infinity };
  for (let t = 0; t < TRIALS; t++) {
    let reps = 0;
    const t0 = performance.now(),
      c0 = process.cpuUsage();
    let dt = 0;
    do {
      fn();
      reps++;
      dt = performance.now() - t0;
    } while (dt < MIN_MS);
    const c = process.cpuUsage(c0);
    if (dt / reps < best.ms) best = { ms: dt / reps, cpuMs: (c.user + c.system) / 1e3 / reps };
  }
  return best;
}

function fill(x: Float32Array, seed: number): void {
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
}

function naiveGemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}

interface GemmRow {
  /** m x n x k, with a batch count in front for batched GEMMs */
  shape: string;
  /** which step the shape comes from */
  use: string;
  trans: string;
  variant: string;
  threads: number;
  gflops: number;
  ms: number;
  gflopPerCpuSecond: number;
}

function benchGemm(
  kern: WasmKernels,
  m: number,
  n: number,
  k: number,
  threads: 1 | 2,
  ta = false,
  tb = false,
  batch = 1,
  use = '',
): GemmRow {
  kern.setThreads(threads);
  const a = kern.alloc(batch * m * k * 4),
    b = kern.alloc(batch * k * n * 4),
    c = kern.alloc(batch * m * n * 4);
  fill(kern.f32view(a, batch * m * k), 1);
  fill(kern.f32view(b, batch * k * n), 2);
  const { ms, cpuMs } = timeIt(() => kern.gemm({ m, n, k, a, b, c, transA: ta, transB: tb, batch }));
  for (const p of [a, b, c]) kern.free(p);
  const flops = 2 * m * n * k * batch;
  return {
    shape: `${batch > 1 ? `${batch} x ` : ''}${m}x${n}x${k}`,
    use,
    trans: `${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`,
    variant: kern.variant,
    threads,
    gflops: flops / ms / 1e6,
    ms,
    gflopPerCpuSecond: flops / cpuMs / 1e6,
  };
}

function benchNaive(m: number, n: number, k: number): { shape: string; gflops: number; ms: number; gflopPerCpuSecond: number } {
  const a = new Float32Array(m * k),
    b = new Float32Array(k * n),
    c = new Float32Array(m * n);
  fill(a, 1);
  fill(b, 2);
  const { ms, cpuMs } = timeIt(() => naiveGemm(a, b, c, m, n, k));
  return { shape: `${m}x${n}x${k}`, gflops: (2 * m * n * k) / ms / 1e6, ms, gflopPerCpuSecond: (2 * m * n * k) / cpuMs / 1e6 };
}

/** Smallest flop count in a sweep from which two threads are consistently faster than one. */
function thresholdSweep(kern: WasmKernels): { shape: string; flops: number; t1: number; t2: number }[] {
  const rows = [];
  for (const s of [8, 12, 16, 24, 32, 48, 64, 96]) {
    const [m, n, k] = [s * 4, s, s];
    kern.threadMinFlops = 0;
    const t1 = benchGemm(kern, m, n, k, 1).ms,
      t2 = benchGemm(kern, m, n, k, 2).ms; // wall time is what threads buy
    rows.push({ shape: `${m}x${n}x${k}`, flops: 2 * m * n * k, t1, t2 });
  }
  return rows;
}

/** Million elements per wall second and per CPU-second. */
function benchUnary(kern: WasmKernels, op: UnaryOp, n: number): { melemPerS: number; melemPerCpuS: number } {
  const x = kern.alloc(n * 4),
    y = kern.alloc(n * 4);
  fill(kern.f32view(x, n), 3);
  kern.f32view(x, n).forEach((v, i, xs) => {
    xs[i] = 6 * v;
  }); // [-3, 3]: tanh takes both of its branches
  const { ms, cpuMs } = timeIt(() => kern.unary(op, x, y, n));
  kern.free(x);
  kern.free(y);
  return { melemPerS: n / ms / 1e3, melemPerCpuS: n / cpuMs / 1e3 };
}

function benchJsUnary(f: (v: number) => number, n: number): { melemPerS: number; melemPerCpuS: number } {
  const x = new Float32Array(n),
    y = new Float32Array(n);
  fill(x, 3);
  x.forEach((v, i, xs) => {
    xs[i] = 6 * v;
  });
  const { ms, cpuMs } = timeIt(() => {
    for (let i = 0; i < n; i++) y[i] = f(x[i]);
  });
  return { melemPerS: n / ms / 1e3, melemPerCpuS: n / cpuMs / 1e3 };
}

function main(): void {
  if (!buildExists())
    execFileSync(process.execPath, [fileURLToPath(new URL('../core/wasm/build.mjs', import.meta.url))], { stdio: 'inherit' });
  const load0 = loadavg();
  const variants = [loadKernels({ relaxed: false }), loadKernels({ relaxed: true, enableRelaxedFlag: true })];
  const shapes: [number, number, number][] = [
    [4096, 64, 64],
    [4096, 128, 128],
    [512, 512, 512],
  ];
  // m, n, k, transA, transB, batch, where the shape comes from (bench/results-profile.md)
  const pinnShapes: [number, number, number, boolean, boolean, number, string][] = [
    [4096, 64, 64, false, false, 1, 'PINN forward X W'],
    [4096, 64, 64, false, true, 1, 'PINN backward dY W^T'],
    [64, 64, 4096, true, false, 1, 'PINN weight grad X^T dY'],
    [8192, 64, 64, false, false, 1, 'PINN jet forward (2 x 4096 rows)'],
    [8192, 64, 64, false, true, 1, 'PINN jet backward'],
    [64, 64, 8192, true, false, 1, 'PINN jet weight grad'],
    [8192, 128, 128, false, false, 1, '2-128x4-1 net on 8192 points, forward'],
    [8192, 128, 128, false, true, 1, '2-128x4-1 net, backward'],
    [128, 128, 8192, true, false, 1, '2-128x4-1 net, weight grad'],
    [16384, 128, 128, false, false, 1, '2-128x4-1 net, jet forward (2 x 8192 rows)'],
    [16384, 128, 128, false, true, 1, '2-128x4-1 net, jet backward'],
    [128, 128, 16384, true, false, 1, '2-128x4-1 net, jet weight grad'],
    [20, 128, 128, false, false, 16, 'FNO mode mixing (batched small)'],
    [20, 128, 128, false, true, 16, 'FNO mode mixing backward'],
    [128, 128, 20, true, false, 16, 'FNO mode mixing weight grad'],
    [64, 256, 64, false, false, 20, 'FNO 1x1 conv (batched)'],
  ];
  const gemm: GemmRow[] = [];
  const log = (r: GemmRow): void =>
    console.log(
      `gemm ${r.shape} ${r.trans} ${r.variant.padEnd(7)} threads=${r.threads}: ${r.gflops.toFixed(1)} GFLOP/s (${r.gflopPerCpuSecond.toFixed(1)} per CPU-s)${r.use ? ` ${r.use}` : ''}`,
    );
  const peaks: SimdPeak[] = measureAllPeaks(quick ? 3 : 7);
  for (const p of peaks)
    console.log(
      `SIMD peak ${p.variant} ${p.kind} threads=${p.threads}: ${p.gflops.toFixed(1)} GFLOP/s, ${p.gflopPerCpuSecond.toFixed(1)} per CPU-s`,
    );
  for (const kern of variants) {
    for (const [m, n, k] of shapes) {
      for (const th of [1, 2] as const) {
        const r = benchGemm(kern, m, n, k, th);
        gemm.push(r);
        log(r);
      }
    }
    // the step shapes on the build the backend picks (relaxed where available); the baseline build on the main three
    if (kern !== variants[variants.length - 1]) continue;
    for (const [m, n, k, ta, tb, batch, use] of pinnShapes) {
      for (const th of [1, 2] as const) {
        const r = benchGemm(kern, m, n, k, th, ta, tb, batch, use);
        gemm.push(r);
        log(r);
      }
    }
    kern.setThreads(1);
  }
  variants[0].setThreads(1);
  const naive = shapes.map(([m, n, k]) => benchNaive(m, n, k));
  for (const r of naive) console.log(`naive JS ${r.shape}: ${r.gflops.toFixed(2)} GFLOP/s (${r.gflopPerCpuSecond.toFixed(2)} per CPU-s)`);
  const best = variants[variants.length - 1];
  const sweep = thresholdSweep(best);
  best.setThreads(1);
  best.threadMinFlops = DEFAULT_THREAD_MIN_FLOPS;
  for (const r of sweep)
    console.log(
      `threads sweep ${r.shape} (${r.flops} flops): 1 thread ${(r.t1 * 1e3).toFixed(1)} us, 2 threads ${(r.t2 * 1e3).toFixed(1)} us`,
    );
  const n = 1 << 20;
  const elementwise = variants.flatMap((kern) =>
    (['tanh', 'exp', 'sin'] as const).map((op) => ({ op, variant: kern.variant, ...benchUnary(kern, op, n) })),
  );
  const jsPeer = { tanh: benchJsUnary(Math.tanh, n), exp: benchJsUnary(Math.exp, n), sin: benchJsUnary(Math.sin, n) };
  for (const e of elementwise) {
    const js = jsPeer[e.op];
    console.log(
      `${e.op} ${e.variant}: ${e.melemPerS.toFixed(0)} Melem/s, ${e.melemPerCpuS.toFixed(0)} per CPU-s (JS Math.${e.op} loop: ${js.melemPerS.toFixed(0)}, ${js.melemPerCpuS.toFixed(0)} per CPU-s)`,
    );
  }
  // peaks again at the end: the machine is shared, the best of both is the less disturbed measurement
  const peaksAfter = measureAllPeaks(quick ? 3 : 7);
  const peak = (variant: string, threads: number): number => peakFor([...peaks, ...peaksAfter], variant, threads);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    loadavgBefore: load0,
    loadavgAfter: loadavg(),
    note: 'Shared 2-core machine, noisy: best of trials. pctPeak: GFLOP/s as % of the measured SIMD peak (bench/simdPeak.ts: register-only f32x4 multiply-add loops, 12 independent chains) for that build and thread count: threads x one core probe rate per CPU-second (bench/simdPeak.ts peakFor), the best of the probes before and after the GEMMs. pctPeakPerCpuSecond: GFLOP per CPU-second (all threads) as % of the probe per CPU-second: what the kernel does while it has its cores, the steadier figure when other jobs take the cores.',
    peakEstimateGflopsPerCore: peak(best.variant, 1), // measured: bench/simdPeak.ts
    // the probes as measured (best of before and after)
    simdPeak: peaks.map((p) => {
      const same = peaksAfter.filter((q) => q.kind === p.kind && q.variant === p.variant && q.threads === p.threads);
      return {
        ...p,
        gflops: Math.max(p.gflops, ...same.map((q) => q.gflops)),
        gflopPerCpuSecond: Math.max(p.gflopPerCpuSecond, ...same.map((q) => q.gflopPerCpuSecond)),
      };
    }),
    gemm: gemm.map((r) => {
      const peer = naive.find((x) => x.shape === r.shape);
      return {
        ...r,
        pctPeak: (100 * r.gflops) / peak(r.variant, r.threads),
        // kernel efficiency while it has its cores: flops per CPU-second against one core's per CPU-second limit
        pctPeakPerCpuSecond: (100 * r.gflopPerCpuSecond) / peak(r.variant, 1),
        vsNaive: r.gflops / (peer?.gflops ?? NaN),
        vsNaivePerCpuSecond: r.gflopPerCpuSecond / (peer?.gflopPerCpuSecond ?? NaN),
      };
    }),
    naiveJs: naive,
    threadSweep: sweep,
    elementwise,
    jsPeerMelemPerS: jsPeer,
  };
  for (const r of result.gemm.filter((g) => g.use))
    console.log(
      `${r.use.padEnd(40)} ${r.shape.padEnd(16)} ${r.trans} threads=${r.threads}: ${r.pctPeak.toFixed(0)}% of the SIMD peak (wall), ${r.pctPeakPerCpuSecond.toFixed(0)}% per CPU-second`,
    );
  writeResults('gemm', result);
  console.log(`load average ${load0.map((v) => v.toFixed(2)).join(' ')}`);
}

main();
