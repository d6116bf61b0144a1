// Benchmarks for the classical solvers: FFT throughput vs a naive DFT, Burgers ETDRK4 steps/s,
// Darcy PCG solve times with and without preconditioning.
// Run: npx tsx bench/solvers.ts   (numbers are noisy on a shared 2-core machine)
import { fftInPlace, fft2InPlace, naiveDft } from '../core/kernels/fft.js';
import { Rng } from '../core/random.js';
import { burgersStepper } from '../solvers/burgers.js';
import { sampleGrf1d, sampleGrf2d, thresholdCoefficient } from '../solvers/grf.js';
import { rfft } from '../core/kernels/fft.js';
import { solveDarcy } from '../solvers/darcy.js';
import type { PreconditionerKind } from '../solvers/spdSolve.js';

/** Best per-call time (ms) over several batches: the minimum is the least disturbed by other load. */
function timeIt(fn: () => void, minMs = 300, batches = 5): number {
  fn(); // warm-up (JIT, plan caches)
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    let reps = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs / batches || reps === 0) {
      fn();
      reps++;
      t = performance.now();
    }
    best = Math.min(best, (t - t0) / reps);
  }
  return best;
}

/** Empirical scalar JS peak: 8 independent multiply-add chains in locals (plain JS has no SIMD). */
function scalarPeakGflops(): number {
  const n = 1 << 22;
  let sink = 0;
  const kernel = (): number => {
    let a0 = 1,
      a1 = 1,
      a2 = 1,
      a3 = 1,
      a4 = 1,
      a5 = 1,
      a6 = 1,
      a7 = 1;
    const m = 0.9999999,
      c = 1e-7;
    for (let i = 0; i < n; i++) {
      a0 = a0 * m + c;
      a1 = a1 * m + c;
      a2 = a2 * m + c;
      a3 = a3 * m + c;
      a4 = a4 * m + c;
      a5 = a5 * m + c;
      a6 = a6 * m + c;
      a7 = a7 * m + c;
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  };
  const ms = timeIt(() => {
    sink += kernel();
  });
  if (sink === 42) console.log(''); // keep the work observable
  return (16 * n) / (ms * 1e6);
}

const rng = new Rng(1);
const random = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
const rows: string[] = [];
const log = (s: string) => {
  rows.push(s);
  console.log(s);
};

const peak = scalarPeakGflops();
log(`scalar JS multiply-add peak (1 core, measured): ${peak.toFixed(2)} GFLOP/s`);

// ---- 1D complex FFT
for (const n of [4096, 4095]) {
  const re = random(n),
    im = random(n);
  // forward + inverse per call keeps the values bounded (repeated forward transforms overflow)
  const ms =
    timeIt(() => {
      fftInPlace(re, im);
      fftInPlace(re, im, true);
    }) / 2;
  const flops = 5 * n * Math.log2(n);
  const gflops = flops / (ms * 1e6);
  let line = `fft n=${n}${n === 4096 ? ' (radix-2)' : ' (Bluestein)'}: ${(ms * 1e3).toFixed(1)} us, ${((ms * 1e6) / n).toFixed(1)} ns/element, ${gflops.toFixed(2)} GFLOP/s (5 n log2 n), ${((100 * gflops) / peak).toFixed(0)}% of scalar peak`;
  if (n === 4096) {
    const naiveMs = timeIt(() => naiveDft(re, im), 1, 2);
    line += `; naive DFT ${naiveMs.toFixed(0)} ms -> ${(naiveMs / ms).toFixed(0)}x faster`;
  }
  log(line);
}

// ---- 2D complex FFT
{
  const r = 256,
    c = 256;
  const re = random(r * c),
    im = random(r * c);
  const ms =
    timeIt(() => {
      fft2InPlace(re, im, r, c);
      fft2InPlace(re, im, r, c, true);
    }) / 2;
  const N = r * c;
  const gflops = (5 * N * Math.log2(N)) / (ms * 1e6);
  const rowRe = random(c),
    rowIm = random(c);
  const rowMs = timeIt(() => naiveDft(rowRe, rowIm), 50);
  const naive2dMs = rowMs * (r + c); // separable naive DFT: r row and c column transforms of length 256
  log(
    `fft2 256x256: ${ms.toFixed(2)} ms, ${((ms * 1e6) / N).toFixed(1)} ns/element, ${gflops.toFixed(2)} GFLOP/s, ` +
      `${((100 * gflops) / peak).toFixed(0)}% of scalar peak; row-column naive DFT (from one timed row) ${naive2dMs.toFixed(0)} ms -> ${(naive2dMs / ms).toFixed(0)}x`,
  );
}

// ---- Burgers ETDRK4
for (const n of [1024, 8192]) {
  const u0 = sampleGrf1d({ n, seed: 3 });
  const v = rfft(u0);
  const stepper = burgersStepper(n, 0.1, 1e-4);
  const ms = timeIt(() => stepper.step(v.re, v.im), 500);
  log(`burgers ETDRK4 n=${n}: ${(1000 / ms).toFixed(0)} steps/s (${(ms * 1e3).toFixed(0)} us/step, 8 real FFTs of length n per step)`);
}

// ---- Darcy PCG
for (const s of [129, 257]) {
  const a = thresholdCoefficient(sampleGrf2d({ s, seed: 5 }));
  const parts: string[] = [];
  for (const p of ['none', 'jacobi', 'ic0', 'multigrid'] as PreconditionerKind[]) {
    let iterations = 0;
    const ms = timeIt(
      () => {
        iterations = solveDarcy(a, { preconditioner: p, tol: 1e-8 }).iterations;
      },
      1,
      2,
    );
    parts.push(`${p} ${iterations} it ${ms.toFixed(0)} ms`);
  }
  log(`darcy ${s - 1}^2 cells (PCG to 1e-8): ${parts.join(' | ')}`);
}
