// STDE vs exact Laplacians on the two-body Poisson problem (examples/stde/twobody.ts): training iterations/s
// and peak memory at d = 100 .. 100k, then held-out relative L2 errors after training at 100D and 1kD.
// Each (method, d) runs in its own child process so its peak RSS (process.resourceUsage().maxRSS) is its own.
// Usage: npx tsx bench/stde.ts [--dims 100,1000,10000,100000] [--steps 5] [--train-steps 400]
//   [--train-dims 100,1000] [--mem-limit-gb 6] [--child-timeout 420] [--skip-train]
//   npx tsx bench/stde.ts --scaling [--scaling-dims 1000,10000,100000,1000000] [--scaling-steps 3]
//   [--scaling-op poisson|allen-cahn|sine-gordon]: sparse STDE
//   with gathered first-layer rows (the default path) at up to 1e6-D: it/s, peak RSS, wasm memory, and the exponent
//   of the iteration time in d (least squares on log-log).
//   npx tsx bench/stde.ts --converge [--converge-dims 10000,100000] [--converge-steps 0] [--converge-op poisson]: the
//   least-squares output layer (examples/stde/twobody.ts, lsq): time to it, relative L2 after it and after K Adam steps.
//   npx tsx bench/stde.ts --profile 100000 [--profile-steps 3]: where one sparse-STDE step's time goes, by compiled
//   kernel (GEMM shapes, fused loops, reductions, copies) plus the host work around the compiled step.
// The peer is the grad-of-grad Hessian trace (fx.hessianTrace) and the exact Taylor Laplacian (d jets);
// no PyTorch/JAX here. The machine (2 cores) is shared with other developers: timings are noisy.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { mdTable } from './markdown.js';
import { setStepProfiler, type StepInfo, type StepProfiler } from '../core/compile/profile.js';
import {
  memoryMB,
  twoBodyMethods as methods,
  twoBodyOps,
  twoBodyTrainer,
  type TwoBodyMethod,
  type TwoBodyOp,
} from '../examples/stde/twobody.js';

const BATCH = 100;
const SAMPLES = 16;
const WIDTH = 128;

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};

interface Timing {
  method: TwoBodyMethod;
  d: number;
  itPerSec: number;
  firstStepS: number;
  peakRssMB: number;
  baseRssMB: number;
  heapDeltaMB: number;
}

/** Child: one warm-up step (trace + compile), then `steps` timed steps. */
function child(method: TwoBodyMethod, d: number, steps: number): void {
  const baseRss = process.memoryUsage().rss;
  const mem = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers + m.external;
  };
  const base = mem();
  const trainer = twoBodyTrainer({ d, steps: steps + 1, method, batch: BATCH, samples: SAMPLES, width: WIDTH });
  let t0 = performance.now();
  trainer.step();
  const firstStepS = (performance.now() - t0) / 1000;
  let heapPeak = mem();
  t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    trainer.step();
    heapPeak = Math.max(heapPeak, mem());
  }
  const itPerSec = steps / ((performance.now() - t0) / 1000);
  const out: Timing = {
    method,
    d,
    itPerSec,
    firstStepS,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    baseRssMB: baseRss / 2 ** 20,
    heapDeltaMB: (heapPeak - base) / 2 ** 20,
  };
  console.log(`RESULT ${JSON.stringify(out)}`);
}

/**
 * Rough peak bytes of one step, used only to skip hopeless runs: the tiled points and directions [P*N, d]
 * (primal, tangent, second coefficient and their copies) and ~60 live [P*N, width] activations.
 */
function estimateBytes(method: TwoBodyMethod, d: number): number {
  const rows = (method === 'exact' || method === 'hessian' ? d : SAMPLES) * BATCH;
  return 4 * rows * (6 * d + 60 * WIDTH);
}

const tiledEntries = (method: TwoBodyMethod, d: number): number => (method === 'exact' || method === 'hessian' ? d : SAMPLES) * BATCH * d;

function runChild(method: TwoBodyMethod, d: number, steps: number, timeoutS: number): Timing | string {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', method, String(d), String(steps)], {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 1 << 24,
  });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice(7)) as Timing;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `timed out after ${timeoutS} s`;
  const lines = (r.stderr ?? '').split('\n');
  const why = lines.find((l) => /^\s*\w*Error: /.test(l)) ?? lines.find((l) => /Error/.test(l)) ?? '';
  return `failed (${r.signal ?? `exit ${r.status}`}): ${why.trim().slice(0, 160)}`;
}

/** Other developers edit this working tree while benchmarks run: retry a failed child once. */
function runChildRetry(method: TwoBodyMethod, d: number, steps: number, timeoutS: number): Timing | string {
  const first = runChild(method, d, steps, timeoutS);
  return typeof first === 'string' && first.startsWith('failed') ? runChild(method, d, steps, timeoutS) : first;
}

function speedTable(): void {
  const dims = arg('dims', '100,1000,10000,100000').split(',').map(Number);
  const steps = Number(arg('steps', '5'));
  const memLimit = Number(arg('mem-limit-gb', '6')) * 2 ** 30;
  const timeoutS = Number(arg('child-timeout', '420'));
  console.log(`\nTraining step (value and grad of the Poisson residual loss, 4-layer tanh MLP width ${WIDTH}, ${BATCH} points,`);
  console.log(
    `|J| = ${SAMPLES}), f32, fx.jit, backend ${fx.getBackend()}; ${steps} timed steps (1 for the largest cases) after one warm-up step.`,
  );
  console.log('peak RSS = process maxRSS of a child running only that case (includes ~base RSS of the runtime)\n');
  console.log('method        d        it/s     first step s   peak RSS MB   heap+buffers delta MB   vs hessian   vs exact');
  const rate = { hessian: new Map<number, number>(), exact: new Map<number, number>() };
  const rows: Array<Timing | { method: TwoBodyMethod; d: number; reason: string }> = [];
  for (const d of dims) {
    for (const method of [...methods].reverse()) {
      const est = estimateBytes(method, d);
      let res: Timing | string;
      if (est > memLimit) res = `skipped: estimated ${(est / 2 ** 30).toFixed(1)} GB per step > --mem-limit-gb ${memLimit / 2 ** 30}`;
      // one timed step where a step touches more than 5e7 tiled input entries (seconds to minutes each)
      else res = runChildRetry(method, d, tiledEntries(method, d) > 5e7 ? 1 : steps, timeoutS);
      if (typeof res === 'string') rows.push({ method, d, reason: res });
      else {
        rows.push(res);
        if (method === 'hessian' || method === 'exact') rate[method].set(d, res.itPerSec);
      }
      const row = rows[rows.length - 1];
      if ('reason' in row) console.log(`${method.padEnd(12)}  ${String(d).padEnd(7)}  ${row.reason}`);
      else {
        const vs = (m: Map<number, number>) => (m.get(d) ? (row.itPerSec / (m.get(d) as number)).toFixed(1) + 'x' : '-');
        console.log(
          `${method.padEnd(12)}  ${String(d).padEnd(7)}  ${row.itPerSec.toFixed(3).padStart(8)}  ${row.firstStepS.toFixed(2).padStart(12)}` +
            `  ${row.peakRssMB.toFixed(0).padStart(12)}  ${row.heapDeltaMB.toFixed(0).padStart(22)}  ${vs(rate.hessian).padStart(11)}  ${vs(rate.exact).padStart(9)}`,
        );
      }
    }
  }
}

function accuracy(): void {
  const dims = arg('train-dims', '100,1000').split(',').map(Number);
  const steps = Number(arg('train-steps', '400'));
  console.log(`\nRelative L2 error after ${steps} Adam steps (lr 1e-3 linearly decayed to 0), sparse STDE |J| = ${SAMPLES}, Poisson:`);
  for (const d of dims) {
    const trainer = twoBodyTrainer({ d, steps, method: 'stde-sparse', batch: BATCH, samples: SAMPLES, width: WIDTH, testPoints: 2000 });
    const t0 = performance.now();
    let loss = NaN;
    for (let s = 1; s <= steps; s++) {
      loss = trainer.step();
      if (s % Math.max(1, Math.floor(steps / 4)) === 0)
        console.log(`  d=${d} step ${s} loss ${loss.toExponential(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const err = trainer.evaluate();
    console.log(
      `d=${d}: relative L2 ${err.toExponential(3)} (target 1e-2) after ${steps} steps, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
}

interface ScalingRow {
  d: number;
  itPerSec: number;
  /** CPU seconds per step (all threads): what a quiet machine would take, give or take the second core */
  cpuS: number;
  firstStepS: number;
  rssMB: number;
  wasmMB: number;
}

/** Child: sparse STDE (gathered rows), one warm-up step, then `steps` timed steps. */
function scalingChild(d: number, steps: number, op: TwoBodyOp): void {
  const trainer = twoBodyTrainer({ d, steps: steps + 1, op, method: 'stde-sparse', batch: BATCH, samples: SAMPLES, width: WIDTH });
  let t0 = performance.now();
  trainer.step();
  const firstStepS = (performance.now() - t0) / 1000;
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  for (let s = 0; s < steps; s++) trainer.step();
  const cpu = process.cpuUsage(cpu0);
  const mem = memoryMB();
  const cpuS = (cpu.user + cpu.system) / 1e6 / steps;
  const row: ScalingRow = { d, itPerSec: steps / ((performance.now() - t0) / 1000), cpuS, firstStepS, rssMB: mem.rss, wasmMB: mem.wasm };
  console.log(`RESULT ${JSON.stringify(row)}`);
}

/** Least-squares slope of log(y) on log(x): the exponent p in y ~ x^p. */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, v) => a + v, 0) / lx.length;
  const my = ly.reduce((a, v) => a + v, 0) / ly.length;
  const num = lx.reduce((a, v, i) => a + (v - mx) * (ly[i] - my), 0);
  return num / lx.reduce((a, v) => a + (v - mx) ** 2, 0);
}

function scaling(): void {
  const dims = arg('scaling-dims', '1000,10000,100000,1000000').split(',').map(Number);
  const steps = Number(arg('scaling-steps', '3'));
  const op = arg('scaling-op', 'poisson') as TwoBodyOp;
  if (!twoBodyOps.includes(op)) {
    console.error(`--scaling-op must be one of ${twoBodyOps.join(', ')}, got '${op}'`);
    process.exit(2);
  }
  const timeoutS = Number(arg('child-timeout', '1200'));
  const script = fileURLToPath(import.meta.url);
  const rows: ScalingRow[] = [];
  const table: string[][] = [];
  for (const d of dims) {
    const r = spawnSync(process.execPath, [...process.execArgv, script, '--scaling-child', String(d), String(steps), op], {
      encoding: 'utf8',
      timeout: timeoutS * 1000,
      maxBuffer: 1 << 24,
    });
    const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      table.push([String(d), `failed (${r.signal ?? `exit ${r.status}`})`, '', '', '', '', '']);
      continue;
    }
    const row = JSON.parse(line.slice(7)) as ScalingRow;
    rows.push(row);
    table.push([
      String(d),
      row.itPerSec.toFixed(3),
      (1 / row.itPerSec).toFixed(2),
      row.cpuS.toFixed(2),
      row.firstStepS.toFixed(1),
      row.rssMB.toFixed(0),
      row.wasmMB.toFixed(0),
    ]);
  }
  console.log(
    `\nSparse STDE, gathered first-layer rows, Adam fused into the compiled step (f32): ${op} two-body, ${BATCH} points, |J| = ${SAMPLES}, width ${WIDTH}, f32, ` +
      `${steps} timed steps after one warm-up; load average ${os
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')} (2 shared cores)\n`,
  );
  console.log(mdTable(['d', 'it/s', 's/it', 'CPU s/it', 'first step s', 'peak RSS MB', 'wasm memory MB'], table));
  if (rows.length >= 2) {
    const p = logLogSlope(
      rows.map((r) => r.d),
      rows.map((r) => 1 / r.itPerSec),
    );
    const pc = logLogSlope(
      rows.map((r) => r.d),
      rows.map((r) => r.cpuS),
    );
    console.log(`\niteration time ~ d^${p.toFixed(2)} (wall), d^${pc.toFixed(2)} (CPU) over d = ${rows.map((r) => r.d).join(', ')}`);
  }
}

/** Sums each compiled kernel's time by label over the timed steps. */
class KernelTimes implements StepProfiler {
  readonly byLabel = new Map<string, { info: StepInfo; calls: number; ms: number }>();
  on = false;
  record(info: StepInfo, ms: number): void {
    if (!this.on) return;
    const r = this.byLabel.get(info.label) ?? { info, calls: 0, ms: 0 };
    r.calls++;
    r.ms += ms;
    this.byLabel.set(info.label, r);
  }
}

/** One sparse-STDE step at `d` taken apart: compiled kernels by label, the host rest, wall and CPU time. */
function profile(d: number, steps: number): void {
  const rec = new KernelTimes();
  setStepProfiler(rec);
  const trainer = twoBodyTrainer({ d, steps: steps + 1, method: 'stde-sparse', batch: BATCH, samples: SAMPLES, width: WIDTH });
  let t0 = performance.now();
  trainer.step();
  const firstS = (performance.now() - t0) / 1000;
  rec.on = true;
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  for (let s = 0; s < steps; s++) trainer.step();
  const wallMs = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(cpu0);
  setStepProfiler(null);
  const rows = [...rec.byLabel.values()].sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((a, r) => a + r.ms, 0) / steps;
  const table = rows
    .slice(0, 14)
    .map((r) => [
      r.info.kind,
      r.info.label,
      String(r.calls / steps),
      (r.ms / steps).toFixed(1),
      r.info.flops ? ((r.info.flops * r.calls) / (r.ms * 1e6)).toFixed(1) : '',
      r.info.bytes ? ((r.info.bytes * r.calls) / (r.ms * 1e6)).toFixed(1) : '',
    ]);
  table.push([
    'host',
    'everything outside the compiled kernels (uniforms, inputs in, outputs out)',
    '1',
    (wallMs - kernelMs).toFixed(1),
    '',
    '',
  ]);
  const mem = memoryMB();
  console.log(
    `\nSparse STDE step at d = ${d} (Poisson two-body, ${BATCH} points, |J| = ${SAMPLES}, width ${WIDTH}, FusedAdam f32): ` +
      `${wallMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000 / steps).toFixed(0)} ms CPU per step over ${steps} steps; ` +
      `first step ${firstS.toFixed(1)} s; wasm memory ${mem.wasm.toFixed(0)} MB, peak RSS ${mem.rss.toFixed(0)} MB; ` +
      `load average ${os.loadavg()[0].toFixed(1)} (2 shared cores)\n`,
  );
  console.log(mdTable(['kind', 'kernel', 'calls/step', 'ms/step', 'GFLOP/s', 'GB/s'], table));
}

interface ConvergeRow {
  d: number;
  /** wall seconds to the initial solve (its passes include the step's compile) and the L2 there */
  solveS: number;
  l2Solve: number;
  /** wall seconds and L2 after `steps` further Adam steps (NaN when none) */
  steps: number;
  totalS: number;
  l2: number;
  cpuS: number;
  rssMB: number;
  wasmMB: number;
}

/** Child: the least-squares output layer at `d`, its held-out error, then `steps` Adam steps and the error again. */
function convergeChild(d: number, steps: number, op: TwoBodyOp): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const trainer = twoBodyTrainer({
    d,
    steps: Math.max(steps, 1),
    op,
    batch: BATCH,
    samples: SAMPLES,
    width: WIDTH,
    testPoints: d >= 1e5 ? 200 : 2000,
    lsq: {},
  });
  trainer.solveInitial();
  const solveS = (performance.now() - t0) / 1000;
  const l2Solve = trainer.evaluate();
  for (let s = 0; s < steps; s++) trainer.step();
  const l2 = steps ? trainer.evaluate() : Number.NaN;
  const cpu = process.cpuUsage(cpu0);
  const mem = memoryMB();
  const row: ConvergeRow = {
    d,
    solveS,
    l2Solve,
    steps,
    totalS: (performance.now() - t0) / 1000,
    l2,
    cpuS: (cpu.user + cpu.system) / 1e6,
    rssMB: mem.rss,
    wasmMB: mem.wasm,
  };
  console.log(`RESULT ${JSON.stringify(row)}`);
}

/** Time to the least-squares output layer and its relative L2 per d (each d in its own child process). */
function converge(): void {
  const dims = arg('converge-dims', '10000,100000').split(',').map(Number);
  const steps = Number(arg('converge-steps', '0'));
  const op = arg('converge-op', 'poisson') as TwoBodyOp;
  if (!twoBodyOps.includes(op) || !(Number.isInteger(steps) && steps >= 0)) {
    console.error(
      `--converge-op must be one of ${twoBodyOps.join(', ')} (got '${op}') and --converge-steps an integer >= 0 (got ${steps})`,
    );
    process.exit(2);
  }
  const script = fileURLToPath(import.meta.url);
  const table = dims.map((d) => {
    const r = spawnSync(process.execPath, [...process.execArgv, script, '--converge-child', String(d), String(steps), op], {
      encoding: 'utf8',
      timeout: Number(arg('child-timeout', '3600')) * 1000,
      maxBuffer: 1 << 24,
    });
    const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) return [String(d), `failed (${r.signal ?? `exit ${r.status}`})`, '', '', '', '', '', ''];
    const row = JSON.parse(line.slice(7)) as ConvergeRow;
    return [
      String(d),
      row.solveS.toFixed(1),
      row.l2Solve.toExponential(2),
      steps ? `${row.l2.toExponential(2)} (${row.totalS.toFixed(0)} s)` : '',
      row.cpuS.toFixed(1),
      row.rssMB.toFixed(0),
      row.wasmMB.toFixed(0),
    ];
  });
  console.log(
    `\nLeast-squares output layer (4 passes of ${BATCH} points at the initial parameters, sparse STDE |J| = ${SAMPLES}, width ${WIDTH}, f32), ` +
      `${op} two-body, then ${steps} Adam steps; load average ${os
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')} (2 shared cores)\n`,
  );
  console.log(
    mdTable(
      ['d', 'to the solve, s', 'relative L2 after it', `after ${steps} Adam steps`, 'CPU s (all)', 'peak RSS MB', 'wasm memory MB'],
      table,
    ),
  );
}

if (process.argv[2] === '--profile') profile(Number(process.argv[3]), Number(arg('profile-steps', '3')));
else if (process.argv[2] === '--child') child(process.argv[3] as TwoBodyMethod, Number(process.argv[4]), Number(process.argv[5]));
else if (process.argv[2] === '--scaling-child')
  scalingChild(Number(process.argv[3]), Number(process.argv[4]), process.argv[5] as TwoBodyOp);
else if (process.argv[2] === '--converge-child')
  convergeChild(Number(process.argv[3]), Number(process.argv[4]), process.argv[5] as TwoBodyOp);
else if (process.argv.includes('--converge')) converge();
else if (process.argv.includes('--scaling')) scaling();
else {
  speedTable();
  if (!process.argv.includes('--skip-train')) accuracy();
}
