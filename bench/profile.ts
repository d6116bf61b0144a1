// Per-op profile of the compiled training steps: where one PINN step (bench/stepProbe.ts's Poisson
// problem) and one FNO-1D step (lift 64, 4 Fourier layers x 16 modes, projection 128, batch 20, MSE)
// spend their time, by primitive kernel (GEMM by shape and transpose, fused elementwise loops,
// reductions, copies, reference loops) plus the host work around the compiled graph (jit call overhead:
// argument copy-in and outputs; Adam with its flatten/unflatten copies). GEMMs are given in GFLOP/s and
// as a share of the measured SIMD peak (bench/simdPeak.ts); elementwise steps in bytes moved.
// Run: npx tsx bench/profile.ts [--case poisson|wide] [--points N --hidden 128x4] [--fno] [--n 1024] [--reps 20]
// [--write] (--write updates bench/results-profile.md, or results-profile-wide.md for --case wide, with both steps; without --fno only the PINN step is
// profiled). --case wide is issue 24's wider PINN step: 8192 points, 2-128x4-1 (bench/core.ts's pinnStepWide);
// --points and --hidden (width x hidden layers) override the case's size.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { setStepProfiler } from '../core/compile/profile.js';
import { wasmKernels } from '../core/backend/wasm.js';
import { mdTable } from './markdown.js';
import { median, Recorder } from './stepRecorder.js';
import { fnoStepProblem, poissonStepProblem } from './stepProbe.js';
import { measurePeak, peakFor, type SimdPeak } from './simdPeak.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const REPS = Number(arg('--reps') ?? 20);
const withFno = process.argv.includes('--fno') || process.argv.includes('--write');
const CASE = arg('--case') ?? 'poisson';

/** The PINN step's size: bench/core.ts's two cases, or --points / --hidden WxL over the chosen case. */
function pinnSize(): { points: number; layers: number[] } {
  const cases: Record<string, { points: number; hidden: string }> = {
    poisson: { points: 4096, hidden: '64x3' },
    wide: { points: 8192, hidden: '128x4' },
  };
  const name = CASE;
  const c = cases[name];
  if (!c) throw new Error(`bench/profile.ts: --case ${name}: expected one of ${Object.keys(cases).join(', ')}`);
  const points = Number(arg('--points') ?? c.points);
  const hidden = arg('--hidden') ?? c.hidden;
  const m = /^(\d+)x(\d+)$/.exec(hidden);
  if (!m || !(Number.isInteger(points) && points > 0))
    throw new Error(`bench/profile.ts: --points ${points} --hidden ${hidden}: expected a positive count and WIDTHxLAYERS`);
  return { points, layers: [2, ...Array.from({ length: Number(m[2]) }, () => Number(m[1])), 1] };
}

interface Row {
  kind: string;
  label: string;
  calls: number;
  ms: number;
  flops: number;
  bytes: number;
}

/**
 * Profiles a training step made of a jitted value-and-grad call (`compiled`, built under the recorder)
 * and the host Adam update after it (`host`).
 */
function profileStep(compiled: () => void, host: () => void): { rows: Row[]; stepMs: number } {
  const rec = new Recorder();
  setStepProfiler(rec);
  try {
    compiled(); // traces and compiles under the recorder
    host();
  } finally {
    setStepProfiler(null);
  }
  compiled();
  const jitMs: number[] = [],
    hostMs: number[] = [],
    stepMs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    rec.rep = r;
    const t0 = performance.now();
    compiled();
    const t1 = performance.now();
    host();
    const t2 = performance.now();
    jitMs.push(t1 - t0);
    hostMs.push(t2 - t1);
    stepMs.push(t2 - t0);
  }
  const rows: Row[] = [...rec.byLabel.values()].map((r) => ({
    kind: r.info.kind,
    label: r.info.label,
    calls: r.calls,
    ms: median(r.ms.map((x) => x ?? 0)),
    flops: r.info.flops * r.calls,
    bytes: r.info.bytes * r.calls,
  }));
  // the jit call's own work besides the compiled steps, per rep
  const stepsPerRep = Array.from({ length: REPS }, (_, i) => [...rec.byLabel.values()].reduce((s, r) => s + (r.ms[i] ?? 0), 0));
  const around = median(jitMs.map((t, i) => t - stepsPerRep[i]));
  rows.push({
    kind: 'host',
    label: 'jit call around the steps (inputs in, outputs out, pytrees)',
    calls: 1,
    ms: around,
    flops: 0,
    bytes: 0,
  });
  rows.push({
    kind: 'host',
    label: 'Adam on the host (flatten grads, f64 update, unflatten)',
    calls: 1,
    ms: median(hostMs),
    flops: 0,
    bytes: 0,
  });
  return { rows: rows.sort((a, b) => b.ms - a.ms), stepMs: median(stepMs) };
}

/** A step of jit(valueAndGrad(loss)) on `params` followed by Adam through flat vectors, as bench/core.ts does. */
function adamStep<P extends fx.PyTree>(vg: (p: P) => unknown, params0: P): { compiled: () => void; host: () => void } {
  let params = params0;
  const flat = fx.nn.flattenTree(params, 'f32');
  const adam = fx.optim.adam({ lr: 1e-3 });
  let grads: fx.PyTree = params;
  return {
    compiled: () => {
      const [value, g] = vg(params) as [fx.Tensor, fx.PyTree];
      value.item();
      grads = g;
    },
    host: () => {
      adam.step(flat, fx.nn.flattenTree(grads, 'f32'));
      params = fx.nn.unflattenTree(params, flat);
    },
  };
}

function pinn(points: number, layers: readonly number[]): { rows: Row[]; stepMs: number } {
  const { net, loss } = poissonStepProblem(points, layers);
  const s = adamStep(fx.jit(fx.valueAndGrad(loss)), net.params);
  return profileStep(s.compiled, s.host);
}

function fnoStep(n: number): { rows: Row[]; stepMs: number } {
  const { model, a, y } = fnoStepProblem(n);
  type P = typeof model.params;
  const loss = (p: fx.PyTree) => fx.mean(fx.square(fx.sub(model.applyOnGrid(p as unknown as P, a), y)));
  const s = adamStep(fx.jit(fx.valueAndGrad(loss)), model.params as unknown as fx.PyTree);
  return profileStep(s.compiled, s.host);
}

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '');

function tables(name: string, p: { rows: Row[]; stepMs: number }, peaks: readonly SimdPeak[]): string {
  const kern = wasmKernels();
  const variant = kern?.variant ?? 'simd';
  const threadsFor = (flops: number): number => (kern && kern.threads === 2 && flops >= kern.threadMinFlops ? 2 : 1);
  const total = p.stepMs;
  const byKind = new Map<string, number>();
  for (const r of p.rows) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + r.ms);
  const gemm = p.rows.filter((r) => r.kind === 'gemm');
  const gemmMs = gemm.reduce((s, r) => s + r.ms, 0);
  const gemmFlops = gemm.reduce((s, r) => s + r.flops, 0);
  const kinds = mdTable(
    ['kind', 'ms/step', '% of step'],
    [...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, fmt(ms), fmt((100 * ms) / total, 1)]),
  );
  const ops = mdTable(
    ['kind', 'op', 'calls', 'ms/step', '% of step', 'GFLOP/s', '% SIMD peak', 'MB moved', 'GB/s'],
    p.rows.map((r) => {
      const gflops = r.flops ? r.flops / r.ms / 1e6 : NaN;
      // per call: a GEMM under the thread threshold ran on one thread
      const peak = r.flops ? peakFor(peaks, variant, threadsFor(r.flops / r.calls)) : NaN;
      return [
        r.kind,
        r.label,
        String(r.calls),
        fmt(r.ms, 3),
        fmt((100 * r.ms) / total, 1),
        fmt(gflops, 1),
        fmt((100 * gflops) / peak, 0),
        r.bytes ? fmt(r.bytes / 1e6, 1) : '',
        r.bytes ? fmt(r.bytes / r.ms / 1e6, 1) : '',
      ];
    }),
  );
  return [
    `### ${name}`,
    '',
    `Step (compiled value-and-grad + host Adam), median of ${REPS}: ${fmt(total)} ms. GEMMs: ${fmt(gemmMs)} ms, ${fmt(gemmFlops / 1e6, 0)} MFLOP, ${fmt(gemmFlops / gemmMs / 1e6, 1)} GFLOP/s.`,
    '',
    kinds,
    '',
    ops,
    '',
  ].join('\n');
}

function main(): void {
  const kern = wasmKernels();
  if (!kern) throw new Error('bench/profile.ts: the wasm kernels are not built (npm run build:wasm)');
  const load0 = loadavg();
  fx.setBackend('wasm');
  const size = pinnSize();
  const p = pinn(size.points, size.layers);
  const f = withFno ? fnoStep(Number(arg('--n') ?? 256)) : null;
  const peaks = [1, 2].map((t) => measurePeak(kern, 'madd', t as 1 | 2, 1e7, 5));
  const head = [
    '## Per-op profile of the compiled training steps',
    '',
    `Written by \`npx tsx bench/profile.ts --write\` on ${new Date().toISOString()}, ${process.version}, wasm ${kern.variant}, ${kern.threads} thread(s) (GEMMs of >= ${kern.threadMinFlops} flops split across two).`,
    `Load average ${load0.map((v) => v.toFixed(2)).join(' ')} -> ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')} on 2 shared cores. Measured SIMD peak (bench/simdPeak.ts, ${kern.variant} madd): ${peaks
      .map((q) => `${q.gflops.toFixed(1)} GFLOP/s wall, ${q.gflopPerCpuSecond.toFixed(1)} per CPU-second on ${q.threads} thread(s)`)
      .join(
        '; ',
      )}. "% SIMD peak": of ${peakFor(peaks, kern.variant, 1).toFixed(1)} GFLOP/s per thread the GEMM ran on (one core's rate per CPU-second).`,
    'Step times include the profiler (one performance.now() pair per step); per-op ms are medians over reps, so they need not add up to the step.',
    '',
  ].join('\n');
  const body = [tables(`PINN: Poisson 2D, ${size.points} points, ${size.layers.join('-')} tanh, exact Laplacian, Adam`, p, peaks)];
  if (f) body.push(tables(`FNO-1D: n=${arg('--n') ?? 256}, width 64, 4 layers x 16 modes, projection 128, batch 20, MSE, Adam`, f, peaks));
  const md = `${head}\n${body.join('\n')}`;
  console.log(md);
  if (process.argv.includes('--write')) {
    // each case keeps its own file: the wide one does not overwrite the reference profile
    const file = fileURLToPath(new URL(`./results-profile${CASE === 'poisson' ? '' : `-${CASE}`}.md`, import.meta.url));
    writeFileSync(file, md);
    console.log(`wrote ${file}`);
  }
}

main();
