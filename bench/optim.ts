// Optimizer throughput: Adam and MultiAdam on a 100k-parameter vector vs a naive per-element
// object implementation, ConFIG cost for n = 2..8 losses, all against a STREAM-triad bandwidth
// measured in the same process (the practical memory limit for plain JS loops).
// Run: npx tsx bench/optim.ts   (2-core shared machine: numbers are noisy, compare ratios)
import { Adam, MultiAdam, configDirection } from '../optim/index.js';
import { Mulberry32 } from '../core/random.js';

const P = 100_000;

/** Median seconds per call over `reps` timed batches, each at least ~50 ms. */
function time(fn: () => void, reps = 7): number {
  fn();
  let inner = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    if (performance.now() - t0 > 50) break;
    inner *= 2;
  }
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((performance.now() - t0) / 1000 / inner);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(reps / 2)];
}

function randomF32(n: number, rng: Mulberry32): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.next() - 0.5;
  return v;
}

/** The peer: one object per scalar parameter, textbook Adam formulas per element. */
class NaiveParam {
  m = 0;
  v = 0;
  constructor(public value: number) {}
}
function naiveAdamStep(ps: NaiveParam[], grads: number[], t: number, lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8): void {
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    const g = grads[i];
    p.m = b1 * p.m + (1 - b1) * g;
    p.v = b2 * p.v + (1 - b2) * g * g;
    const mHat = p.m / (1 - b1 ** t);
    const vHat = p.v / (1 - b2 ** t);
    p.value -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
}
function naiveMultiAdamStep(ps: NaiveParam[][], grads: number[][], params: number[], t: number, lr = 1e-3, b = 0.99, eps = 1e-8): void {
  const n = grads.length;
  for (let j = 0; j < params.length; j++) {
    let u = 0;
    for (let i = 0; i < n; i++) {
      const s = ps[i][j];
      const g = grads[i][j];
      s.m = b * s.m + (1 - b) * g;
      s.v = b * s.v + (1 - b) * g * g;
      u += ((1 / n) * (s.m / (1 - b ** t))) / (Math.sqrt(s.v / (1 - b ** t)) + eps);
    }
    params[j] -= lr * u;
  }
}

const rng = new Mulberry32(42);
const fmt = (x: number, d = 2) => x.toFixed(d);

// Practical bandwidth limit: STREAM triad a = b + s*c on f64 arrays far larger than cache.
const N = 4_000_000;
const a = new Float64Array(N);
const b = new Float64Array(N).fill(1);
const c = new Float64Array(N).fill(2);
const triad = time(() => {
  for (let i = 0; i < N; i++) a[i] = b[i] + 0.5 * c[i];
}, 5);
const streamGBs = (24 * N) / triad / 1e9;
console.log(`STREAM triad (JS, 1 thread): ${fmt(streamGBs)} GB/s  <- memory limit used below`);
console.log(`note: shared 2-core machine, other jobs running: expect +-30% noise\n`);

// Adam: f32 params and grads, f64 moments: 4+4 (p r/w) + 4 (g) + 16 (m r/w) + 16 (v r/w) = 44 B/param.
{
  const p = randomF32(P, rng);
  const g = randomF32(P, rng);
  const opt = new Adam({ lr: 1e-6 });
  const sec = time(() => opt.step(p, g));
  const ps = Array.from(p, (x) => new NaiveParam(x));
  const gs = Array.from(g);
  let t = 0;
  const naive = time(() => naiveAdamStep(ps, gs, ++t));
  const gbs = (44 * P) / sec / 1e9;
  console.log(
    `Adam, ${P} params: ${fmt(sec * 1e3, 3)} ms/step = ${fmt(P / sec / 1e6, 1)} M param-updates/s, ${fmt(gbs)} GB/s state traffic (${fmt((100 * gbs) / streamGBs, 0)}% of triad)`,
  );
  console.log(`  naive object-per-parameter: ${fmt(naive * 1e3, 3)} ms/step -> typed-array version ${fmt(naive / sec, 1)}x faster`);
}

// MultiAdam: per loss 4 (g) + 32 (m, v r/w); plus 8 for params.
for (const n of [2, 4]) {
  const p = randomF32(P, rng);
  const gs = Array.from({ length: n }, () => randomF32(P, rng));
  const losses = new Array<number>(n).fill(1);
  const opt = new MultiAdam({ lr: 1e-6 });
  const sec = time(() => opt.step(p, losses, gs));
  const nps = Array.from({ length: n }, () => Array.from(p, (x) => new NaiveParam(x)));
  const ngs = gs.map((g) => Array.from(g));
  const np = Array.from(p);
  let t = 0;
  const naive = time(() => naiveMultiAdamStep(nps, ngs, np, ++t));
  const bytes = (8 + 36 * n) * P;
  const gbs = bytes / sec / 1e9;
  console.log(
    `MultiAdam, ${n} losses, ${P} params: ${fmt(sec * 1e3, 3)} ms/step = ${fmt(P / sec / 1e6, 1)} M param-updates/s, ${fmt(gbs)} GB/s (${fmt((100 * gbs) / streamGBs, 0)}% of triad)`,
  );
  console.log(`  naive object-per-parameter: ${fmt(naive * 1e3, 3)} ms/step -> ${fmt(naive / sec, 1)}x faster`);
}

// ConFIG: n(n+1)/2 dot products (Gram) + one weighted sum; the n x n pseudo-inverse is negligible.
console.log('');
for (let n = 2; n <= 8; n++) {
  const gs = Array.from({ length: n }, () => randomF32(P, rng));
  const out = new Float64Array(P);
  const sec = time(() => configDirection(gs, out));
  const bytes = ((n * (n + 1)) / 2) * 2 * 4 * P + (n * 4 + 16) * P; // dot reads (no cache reuse assumed) + weighted sum
  console.log(`ConFIG n=${n}, ${P} params: ${fmt(sec * 1e3, 3)} ms  (${fmt(bytes / sec / 1e9)} GB/s of gradient reads, upper-bound count)`);
}
