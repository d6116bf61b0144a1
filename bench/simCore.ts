/**
 * The core MLS-MPM (sim/coreMpm: the step as a core program, jitted once, looped on the host) side by side with the
 * hand-written Float64 simulator (sim/mpm) in one run: 2D fixed-corotated, ~8k particles, 64^2 grid, f64, wasm backend.
 * - forward particle-steps/s of both (target: core >= 0.5x hand-written)
 * - gradient step (forward + backward, sqrt(T) checkpoints via sim/checkpoint.ts reverseThroughTime) / forward time
 *   (target <= 4x)
 * - memory of a rollout gradient with and without checkpointing: peak ArrayBuffer bytes over a T_mem-step run (sampled
 *   at every step), extrapolated to 2,000 steps from the per-state bytes (a 2,000-step gradient with every state
 *   stored needs ~1.6 GB and tens of minutes on this 2-core machine), plus the compiled step/vjp arena bytes.
 * Run: node --expose-gc --import tsx bench/simCore.ts [--quick] [--write]  (--write rewrites bench/results-sim-core.md;
 *   --grad-breakdown prints only the per-phase profile of the sqrt-checkpointed gradient)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mdTable } from './markdown.js';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../core/index.js';
import { reverseThroughTime, rollout, type StateLoss, type TimeStepper } from '../sim/checkpoint.js';
import { Mpm2D } from '../test/sim/oracle/mpm/mpm2d.js';
import { Mpm3D } from '../test/sim/oracle/mpm/mpm3d.js';
import { blockParticles2D } from '../sim/coreMpm/bodies.js';
import {
  CoreMpmStepper,
  MpmSegments,
  checkpointSegment,
  coreMpm,
  fromParticleMajor,
  mpmRollout,
  packState,
  sharedVelocityState,
  targetLoss,
  unpackState,
} from '../sim/coreMpm/index.js';
import { sharedVelocityState as oracleVelocityState, targetLoss as oracleTargetLoss } from '../test/sim/oracle/mpm/tasks.js';
import { Executable, stepAlias } from '../core/compile/executable.js';
import { planFusion, WASM_FUSION } from '../core/compile/fusion.js';
import { wasmKernels } from '../core/backend/wasm.js';
import { best, wallAndCpu } from './timing.js';
import { setStepProfiler, type StepInfo } from '../core/compile/profile.js';
import { WRITE_FLAG } from './results.js';

const quick = process.argv.includes('--quick');
const write = process.argv.includes(WRITE_FLAG);
const gc = (globalThis as { gc?: () => void }).gc;

const side = 91; // 8281 particles
const nGrid = 64;
const steps = quick ? 10 : 30;
const gradSteps = quick ? 16 : 64;
const memSteps = quick ? 16 : 100;
const LONG = 2000;

const pureSteps = quick ? 4 : 16;

const pos = blockParticles2D(side, side, 0.2, 0.2, 0.5, 0.5, 1);
const n = pos.length / 2;
const opts = { nGrid, nParticles: n, dt: 1e-4, E: 1000, nu: 0.2, gravity: -9.8 };
const hand = new Mpm2D(opts);
const handS0 = hand.initialState(pos);
const sim = coreMpm({ ...opts, dim: 2 });
const core = new CoreMpmStepper(sim);
const coreS0 = packState(fromParticleMajor(handS0, sim.shape)).dataSync() as Float64Array;

/** A final-state loss on the positions (its layout differs between the two: particle-major vs component-major). */
const lossAt =
  (T: number): StateLoss =>
  (t, _s, g) => {
    if (t === T) g.fill(1, 0, 2 * n);
    return 0;
  };

/**
 * Forward and gradient timings of both simulators, interleaved (hand, core, hand, core, ...) and the best of each kept:
 * the machine's load changes over seconds, and alternating keeps both sides under the same conditions.
 */
function rates(pairs: Array<[TimeStepper, Float64Array]>, reps: number) {
  for (const [stepper, s0] of pairs) {
    rollout(stepper, s0, 3); // warm-up (and compile, for the core)
    reverseThroughTime(stepper, s0, 2, lossAt(2), 'sqrt');
  }
  // best wall and best CPU time of each, over the repeats
  const tf = pairs.map(() => ({ wall: Infinity, cpu: Infinity }));
  const tfT = pairs.map(() => ({ wall: Infinity, cpu: Infinity }));
  const tg = pairs.map(() => ({ wall: Infinity, cpu: Infinity }));
  const keep = (acc: { wall: number; cpu: number }, f: () => void): void => {
    const t = wallAndCpu(f);
    acc.wall = Math.min(acc.wall, t.wall);
    acc.cpu = Math.min(acc.cpu, t.cpu);
  };
  for (let r = 0; r < reps; r++) pairs.forEach(([stepper, s0], k) => keep(tf[k], () => rollout(stepper, s0, steps)));
  for (let r = 0; r < Math.max(1, reps >> 1); r++) {
    pairs.forEach(([stepper, s0], k) => {
      keep(tfT[k], () => rollout(stepper, s0, gradSteps));
      keep(tg[k], () => reverseThroughTime(stepper, s0, gradSteps, lossAt(gradSteps), 'sqrt'));
    });
  }
  return pairs.map((_, k) => ({
    rate: (n * steps) / tf[k].wall,
    cpuRate: (n * steps) / tf[k].cpu,
    msPerStep: (1e3 * tf[k].wall) / steps,
    gradRatio: tg[k].wall / tfT[k].wall,
    cpuGradRatio: tg[k].cpu / tfT[k].cpu,
    gradMsPerStep: (1e3 * tg[k].wall) / gradSteps,
  }));
}

/** Peak ArrayBuffer bytes above the starting level during a gradient run (sampled at every step, forward and reverse). */
function peakBytes(stepper: TimeStepper, s0: Float64Array, T: number, mode: 'all' | 'sqrt'): number {
  gc?.();
  gc?.();
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const loss = lossAt(T);
  reverseThroughTime(
    stepper,
    s0,
    T,
    (t, s, g) => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      return loss(t, s, g);
    },
    mode,
  );
  return peak;
}

/** Arena bytes of the compiled core step and step vjp (the wasm executable's planned memory). */
function arenaBytes(): { step: number; vjp: number } {
  const backend = fx.findBackend(fx.getBackend());
  const S = coreS0.length;
  const stepFlat = (s: fx.Tensor, E: fx.Tensor, nu: fx.Tensor) => packState(sim.step(unpackState(s, sim.shape), { E, nu }));
  const avals = [
    { shape: [S], dtype: 'f64' as const },
    { shape: [], dtype: 'f64' as const },
    { shape: [], dtype: 'f64' as const },
  ];
  const size = (g: fx.Graph): number => {
    const exe = backend?.compile?.(g) as { arenaBytes?: number } | undefined;
    return exe?.arenaBytes ?? Number.NaN;
  };
  return {
    step: size(fx.makeGraph(stepFlat, avals)),
    vjp: size(
      fx.makeGraph(
        (s, E, nu, ct) =>
          fx.concat(
            fx
              .vjp(stepFlat, s, E, nu)[1](ct)
              .map((t) => fx.reshape(t, [-1])),
          ),
        [...avals, avals[0]],
      ),
    ),
  };
}

/**
 * Child process: peak RSS growth of eager fx.grad through mpmRollout (the pure helper, fx.checkpoint per segment or
 * none). A fresh process per mode because the peak RSS of a process only grows.
 */
function pureGradChild(segment: 'sqrt' | 'none', T: number): void {
  const { E, nu } = sim.params();
  const s0 = fromParticleMajor(handS0, sim.shape);
  gc?.();
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  fx.grad((e: fx.Tensor) => fx.sum(mpmRollout(sim, s0, { E: e, nu }, T, { segment }).x))(E);
  const seconds = (performance.now() - t0) / 1e3;
  console.log(JSON.stringify({ rssGrowth: 1024 * (process.resourceUsage().maxRSS - before), seconds }));
}

/** The last stdout line (JSON) of this script run as a child with `args` (a fresh process: its own heap and peak RSS). */
function child<T>(args: string[]): T {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`simCore child failed: ${r.stderr}`);
  return JSON.parse(line) as T;
}

const pureGradMemory = (segment: 'sqrt' | 'none', T: number) =>
  child<{ rssGrowth: number; seconds: number }>(['--pure-grad-child', segment, String(T)]);

/**
 * Where the time of one compiled core step goes: each step of the wasm executable timed, summed by primitive
 * (fused loops by their root primitive; [K*N] marks values of at least 3^d N entries, here the 9-row P2G coefficient stack).
 * Reads the executable's private step list: a measurement hook for this benchmark only.
 */
function stepBreakdown(reps: number): Array<[string, number]> {
  const kernels = wasmKernels();
  if (!kernels) return [];
  const S = coreS0.length;
  const g = fx.makeGraph(
    (s, E, nu) => packState(sim.step(unpackState(s, sim.shape), { E, nu })),
    [
      { shape: [S], dtype: 'f64' },
      { shape: [], dtype: 'f64' },
      { shape: [], dtype: 'f64' },
    ],
  );
  const exe = new Executable(g, kernels);
  const plan = planFusion(g, true, WASM_FUSION).steps.filter((step) => stepAlias(step) === null);
  const steps = (exe as unknown as { steps: Array<() => void> }).steps;
  if (steps.length !== plan.length) return [];
  const times = new Float64Array(steps.length).fill(Infinity);
  const args = [fx.fromBuffer(coreS0, [S]), fx.scalar(opts.E, 'f64'), fx.scalar(opts.nu, 'f64')];
  exe.run(args);
  steps.forEach((run, i) => {
    steps[i] = () => {
      const t0 = performance.now();
      run();
      // the best of the runs per step: the machine is shared and a preempted step says nothing about the step
      times[i] = Math.min(times[i], performance.now() - t0);
    };
  });
  for (let r = 0; r < reps; r++) exe.run(args);
  const byPrim = new Map<string, number>();
  plan.forEach(({ eqn, kernel }, i) => {
    const k = `${kernel ? 'fused loop ' : ''}${eqn.prim}${eqn.out.shape.reduce((a, b) => a * b, 1) > 9 * n - 1 ? ' [K*N]' : ''}`;
    byPrim.set(k, (byPrim.get(k) ?? 0) + times[i]);
  });
  exe.dispose();
  return [...byPrim].sort((a, b) => b[1] - a[1]);
}

/** A bspline_transfer step's label by its output size: which transfer (or transfer gradient) it is. */
function transferName(label: string): string {
  const size =
    /\[([\dx]+)\]$/
      .exec(label)?.[1]
      .split('x')
      .reduce((a, b) => a * Number(b), 1) ?? 0;
  const G = nGrid * nGrid;
  const names: Record<number, string> = {
    [3 * G]: 'P2G (scatter)',
    [6 * n]: 'G2P (gather)',
    [11 * n]: 'P2G vjp (pos+coef, wasm f64x2)',
    [2 * n + 2 * G]: 'G2P vjp (pos+grid, wasm f64x2)',
  };
  return `bspline_transfer ${names[size] ?? label}`;
}

/**
 * Where the time of a sqrt-checkpointed gradient goes, per phase of reverseThroughTime with the core stepper: the
 * forward pass (the jitted step), the reverse sweep's recomputation (the step vjp's forward half, keeping residuals)
 * and the backward (the step vjp's backward half), each compiled step timed by the executables' profiler hook
 * (core/compile/profile.ts) and summed by kind (transfers by slot); best of `reps` runs per entry, ms per step.
 */
function gradBreakdown(reps: number): { rows: Array<[string, number[]]>; totals: number[] } {
  const phases = ['forward', 'recompute', 'backward'] as const;
  let phase = 0;
  const run = new Map<string, number[]>();
  setStepProfiler({
    record: (info: StepInfo, ms: number) => {
      const k = info.label.startsWith('bspline_transfer')
        ? transferName(info.label)
        : info.kind === 'place'
          ? info.label.split(' ')[0]
          : info.kind;
      const v = run.get(k) ?? [0, 0, 0];
      v[phase] += ms;
      run.set(k, v);
    },
  });
  const stepper = new CoreMpmStepper(sim);
  const timed: TimeStepper = {
    stateSize: stepper.stateSize,
    forward: (t, s, out) => {
      phase = 0;
      stepper.forward(t, s, out);
    },
    recompute: (t, s, out) => {
      phase = 1;
      stepper.recompute(t, s, out);
    },
    backward: (t, s, gOut, gIn) => {
      phase = 2;
      stepper.backward(t, s, gOut, gIn);
    },
  };
  const T = gradSteps;
  // the first call compiles the step and the step vjp's halves while the hook is installed: they time every step
  reverseThroughTime(timed, coreS0, 4, lossAt(4), 'sqrt');
  setStepProfiler(null);
  const best = new Map<string, number[]>();
  for (let r = 0; r < reps; r++) {
    run.clear();
    reverseThroughTime(timed, coreS0, T, lossAt(T), 'sqrt');
    for (const [k, v] of run)
      best.set(
        k,
        (best.get(k) ?? [Infinity, Infinity, Infinity]).map((b, i) => Math.min(b, v[i] / T)),
      );
  }
  const rows = [...best].sort((a, b) => b[1][2] - a[1][2]);
  return { rows, totals: phases.map((_, i) => rows.reduce((a, [, v]) => a + v[i], 0)) };
}

/**
 * The core step as jitted K-step segments (MpmSegments, the runner's path) beside the hand-written loops, interleaved:
 * forward over gradSteps steps and the gradient of sum(x_T) with one checkpoint per segment (K = gradSteps^(1/2)).
 */
function segmentRates(reps: number) {
  const K = checkpointSegment(gradSteps, 'sqrt');
  const runner = new MpmSegments(sim, K);
  const p = runner.moduli();
  const s0 = fx.fromBuffer(coreS0, [coreS0.length]);
  const loss = (sT: fx.Tensor): fx.Tensor => fx.sum(unpackState(sT, sim.shape).x);
  const t0 = performance.now();
  runner.simulate(p, s0, gradSteps).dataSync();
  runner.valueAndGrad(p, s0, gradSteps, loss);
  const compile = (performance.now() - t0) / 1e3;
  const t = { hand: Infinity, fwd: Infinity, grad: Infinity };
  for (let r = 0; r < reps; r++) {
    t.hand = Math.min(
      t.hand,
      best(1, () => rollout(hand, handS0, gradSteps)),
    );
    t.fwd = Math.min(
      t.fwd,
      best(1, () => runner.simulate(p, s0, gradSteps).dataSync()),
    );
    t.grad = Math.min(
      t.grad,
      best(1, () => runner.valueAndGrad(p, s0, gradSteps, loss)),
    );
  }
  return {
    K,
    compile,
    handRate: (n * gradSteps) / t.hand,
    rate: (n * gradSteps) / t.fwd,
    gradRatio: t.grad / t.fwd,
    gradMs: (1e3 * t.grad) / gradSteps,
  };
}

/**
 * The runner's own MPM size (configs/mpm-target.yaml: 64 particles, 32^2 grid, 300 steps, the target loss and its
 * sqrt-checkpointed gradient in the shared velocity): hand-written, the per-step jitted CoreMpmStepper, and MpmSegments
 * (what the runner uses), interleaved, best of `reps`; plus the segments' first call (compilation).
 */
function runnerSize(reps: number) {
  const T = 300;
  const pos64 = blockParticles2D(8, 8, 0.2, 0.4, 0.2, 0.2);
  const o = { nGrid: 32, nParticles: 64, dt: 2e-4, E: 1000, nu: 0.2, gravity: -9.8 };
  const target = [0.55, 0.45] as const;
  const vel = [0.1, 0.2];
  const h = new Mpm2D(o);
  const hs0 = oracleVelocityState(h, pos64, vel);
  const handGrad = oracleTargetLoss(h, pos64, target, T, 'sqrt');
  const s64 = coreMpm({ ...o, dim: 2 });
  const t0 = performance.now();
  const runner = new MpmSegments(s64, checkpointSegment(T, 'sqrt'));
  const segGrad = targetLoss(runner, pos64, target, T);
  segGrad(vel);
  const p = runner.moduli();
  const c0 = sharedVelocityState(s64, pos64, vel);
  runner.simulate(p, c0, T);
  const compile = (performance.now() - t0) / 1e3;
  const stepper = new CoreMpmStepper(s64);
  const cs0 = c0.dataSync() as Float64Array;
  const stepLoss: StateLoss = (t, _s, g) => {
    if (t === T) g.fill(1 / 64, 0, 128);
    return 0;
  };
  reverseThroughTime(stepper, cs0, T, stepLoss, 'sqrt');
  const ms: Record<string, number> = {};
  const rec = (k: string, f: () => void): void => {
    ms[k] = Math.min(ms[k] ?? Infinity, 1e3 * best(1, f));
  };
  for (let r = 0; r < reps; r++) {
    rec('handFwd', () => rollout(h, hs0, T));
    rec('segFwd', () => runner.simulate(p, c0, T).dataSync());
    rec('stepFwd', () => rollout(stepper, cs0, T));
    rec('handGrad', () => handGrad(vel));
    rec('segGrad', () => segGrad(vel));
    rec('stepGrad', () => reverseThroughTime(stepper, cs0, T, stepLoss, 'sqrt'));
  }
  return { T, K: runner.segmentLength, compile, ms };
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** The same benchmark before the fused transfer primitive, f64 SIMD loops and the split vjp (recorded, not rerun). */
const BEFORE = `Before (2026-12-06, the [3^d, N] stencil program with gather / scatterAdd, f64 fused loops in JS, the step vjp recomputing
the forward; load average 6.62 7.02 8.11): forward 0.759 M vs 4.57 M particle-steps/s (0.166x); f32 0.631 M; 3D neoHookean
0.143 M vs 0.57 M (0.250x), 3D fixedCorotated 0.125 M vs 0.61 M (0.206x); gradient / forward 4.22x (hand-written 8.69x);
arenas 7.1 / 16.5 MiB; 2000-step sqrt gradient 91.8 MiB counted.`;
// a LONG-step gradient's peak memory, measured in a fresh process per mode (its own heap and garbage)
const longAt = process.argv.indexOf('--long-memory-child');
if (longAt >= 0) {
  const t0 = performance.now();
  const peak = peakBytes(core, coreS0, LONG, process.argv[longAt + 1] as 'all' | 'sqrt');
  console.log(JSON.stringify({ peak, seconds: (performance.now() - t0) / 1e3 }));
  process.exit(0);
}
// --grad-breakdown: only the gradient's per-phase breakdown (a quick profile of the backward)
if (process.argv.includes('--grad-breakdown')) {
  const { rows, totals } = gradBreakdown(quick ? 2 : 5);
  for (const [k, v] of [...rows, ['total', totals] as const]) console.log(`${k}: ${v.map((t) => t.toFixed(3)).join(' / ')} ms`);
  process.exit(0);
}
const childAt = process.argv.indexOf('--pure-grad-child');
if (childAt >= 0) {
  pureGradChild(process.argv[childAt + 1] as 'sqrt' | 'none', Number(process.argv[childAt + 2]));
  process.exit(0);
}
// the runner-size comparison runs in a fresh process: after the 8k-particle runs, this one's heap makes its garbage
// collections (and so the small rollouts' times) several times slower
if (process.argv.includes('--runner-size-child')) {
  console.log(JSON.stringify(runnerSize(quick ? 3 : 10)));
  process.exit(0);
}
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(`simCore: ${n} particles, ${nGrid}^2 grid, f64, backend ${fx.getBackend()}, load average ${load}`);
const [h, c] = rates(
  [
    [hand, handS0],
    [core, coreS0],
  ],
  quick ? 3 : 6,
);
/** The same step in f32 (the wasm backend's SIMD fused loops are f32 only), jitted, on tensors: for where the f64 time goes. */
function f32Rate(): { rate: number; msPerStep: number } {
  const sim32 = coreMpm({ ...opts, dim: 2, dtype: 'f32' });
  const step = fx.jit(sim32.step);
  const p = sim32.params();
  const s0 = sim32.initialState(fx.cast(fx.transpose(fx.tensor(pos, [n, 2], 'f64')), 'f32'));
  const run = (k: number) => {
    let s = s0;
    for (let t = 0; t < k; t++) s = step(s, p);
    s.x.dataSync();
  };
  run(2);
  const tf = best(3, () => run(steps));
  return { rate: (n * steps) / tf, msPerStep: (1e3 * tf) / steps };
}
const segR = segmentRates(quick ? 2 : 4);
// after the f64 rows: its Float32Array calls make the JS transfer kernels polymorphic (slower) for whatever follows
const c32 = f32Rate();
const small = child<ReturnType<typeof runnerSize>>(['--runner-size-child', ...(quick ? ['--quick'] : [])]);

/** 3D forward rates, hand-written vs core (jitted step behind the stepper), interleaved: 3D fixed-corotated uses the Newton polar. */
function rates3D(material: 'neoHookean' | 'fixedCorotated') {
  const side3 = quick ? 12 : 20;
  const n3 = side3 ** 3;
  const pos3 = new Float64Array(3 * n3);
  let q = 0;
  for (let i = 0; i < side3; i++)
    for (let j = 0; j < side3; j++) for (let k = 0; k < side3; k++) for (const c of [i, j, k]) pos3[q++] = 0.3 + (0.4 * (c + 0.5)) / side3;
  const o3 = { nGrid: 32, nParticles: n3, dt: 1e-4, E: 1000, nu: 0.2, material };
  const h3 = new Mpm3D(o3);
  const s3 = h3.initialState(pos3);
  const c3 = new CoreMpmStepper(coreMpm({ ...o3, dim: 3 }));
  const cs3 = packState(fromParticleMajor(s3, c3.sim.shape)).dataSync() as Float64Array;
  const k = quick ? 2 : 5;
  const t = [Infinity, Infinity];
  rollout(h3, s3, 1);
  rollout(c3, cs3, 1);
  for (let r = 0; r < 3; r++) {
    t[0] = Math.min(
      t[0],
      best(1, () => rollout(h3, s3, k)),
    );
    t[1] = Math.min(
      t[1],
      best(1, () => rollout(c3, cs3, k)),
    );
  }
  return { n3, hand: (n3 * k) / t[0], core: (n3 * k) / t[1] };
}
const r3 = (['neoHookean', 'fixedCorotated'] as const).map((m) => ({ m, ...rates3D(m) }));
const stateBytes = 8 * coreS0.length;
// the smaller run first: garbage a full collection leaves behind from the big one would hide the small one's peak
const memSqrt = peakBytes(core, coreS0, memSteps, 'sqrt');
const memAll = peakBytes(core, coreS0, memSteps, 'all');
const seg = (T: number): number => Math.ceil(Math.sqrt(T));
// per-state bytes from the measured difference; extrapolated to LONG steps with the number of states each mode keeps
// what each mode holds at its peak, counted: stored states (the forward pass's checkpoints, plus the recomputed
// segment for sqrt) of stateBytes each, and the two compiled arenas; the measured peaks above add uncollected garbage
// sqrt also keeps the recomputed segment's residuals (CoreMpmStepper.recompute) until each step's backward
const residualBytes = core.residualBytes();
// (the last segment's recomputation happens in the forward pass: its seg(T) steps' residuals are held at once)
const held = (T: number, mode: 'all' | 'sqrt'): number =>
  mode === 'all' ? T * stateBytes : 2 * seg(T) * stateBytes + seg(T) * residualBytes;
const arena = arenaBytes();
const longAll = held(LONG, 'all') + arena.step + arena.vjp;
const longSqrt = held(LONG, 'sqrt') + arena.step + arena.vjp;
const longMemory = (mode: 'all' | 'sqrt') => child<{ peak: number; seconds: number }>(['--long-memory-child', mode]);
// measured in full runs only (a minute or more each on this machine)
const longMeasured = quick ? null : { sqrt: longMemory('sqrt'), all: longMemory('all') };
const pureSqrt = pureGradMemory('sqrt', pureSteps);
const pureNone = pureGradMemory('none', pureSteps);
const breakdown = stepBreakdown(quick ? 3 : 10);
const gradParts = gradBreakdown(quick ? 2 : 5);
const breakdownTotal = breakdown.reduce((a, [, t]) => a + t, 0);

const rows: string[][] = [
  [
    'forward, particle-steps/s',
    `${(h.rate / 1e6).toFixed(2)} M (${h.msPerStep.toFixed(2)} ms/step)`,
    `${(c.rate / 1e6).toFixed(3)} M (${c.msPerStep.toFixed(2)} ms/step)`,
    `core/hand ${(c.rate / h.rate).toFixed(3)}x wall, ${(c.cpuRate / h.cpuRate).toFixed(3)}x CPU time (target >= 0.5x)`,
  ],
  [
    `forward, particle-steps/s, core as jitted ${segR.K}-step segments (MpmSegments), ${gradSteps} steps`,
    `${(segR.handRate / 1e6).toFixed(2)} M`,
    `${(segR.rate / 1e6).toFixed(3)} M`,
    `core/hand ${(segR.rate / segR.handRate).toFixed(3)}x (target >= 0.5x)`,
  ],
  [
    'forward, particle-steps/s, core in f32 (SIMD fused loops)',
    '',
    `${(c32.rate / 1e6).toFixed(3)} M (${c32.msPerStep.toFixed(2)} ms/step)`,
    `core f32 / hand f64 ${(c32.rate / h.rate).toFixed(3)}x`,
  ],
  ...r3.map(({ m, n3, hand: hr, core: cr }) => [
    `3D ${m} forward (${n3} particles, 32^3 grid), particle-steps/s`,
    `${(hr / 1e6).toFixed(2)} M`,
    `${(cr / 1e6).toFixed(3)} M`,
    `core/hand ${(cr / hr).toFixed(3)}x`,
  ]),
  [
    `gradient (sqrt checkpoints, ${gradSteps} steps) / forward`,
    `${h.gradRatio.toFixed(2)}x (CPU ${h.cpuGradRatio.toFixed(2)}x)`,
    `${c.gradRatio.toFixed(2)}x (CPU ${c.cpuGradRatio.toFixed(2)}x; ${c.gradMsPerStep.toFixed(1)} ms/step)`,
    'target <= 4x',
  ],
  [
    `gradient (one checkpoint per ${segR.K}-step segment, ${gradSteps} steps) / forward, MpmSegments`,
    '',
    `${segR.gradRatio.toFixed(2)}x (${segR.gradMs.toFixed(1)} ms/step)`,
    `target <= 4x; first call (compilation) ${segR.compile.toFixed(1)} s`,
  ],
  [`gradient memory, ${memSteps} steps, store all (measured peak)`, '', mb(memAll), `state ${mb(stateBytes)}`],
  [
    `gradient memory, ${memSteps} steps, sqrt checkpoints (measured peak)`,
    '',
    mb(memSqrt),
    `${seg(memSteps)} checkpoints + ${seg(memSteps)}-state segment`,
  ],
  [`gradient memory, ${LONG} steps, store all (counted)`, '', mb(longAll), `${LONG} states + arenas`],
  [
    `gradient memory, ${LONG} steps, sqrt checkpoints (counted)`,
    '',
    mb(longSqrt),
    `${2 * seg(LONG)} states + ${seg(LONG)} steps' residuals (${mb(residualBytes)} each) + arenas`,
  ],
  ...(longMeasured
    ? (['all', 'sqrt'] as const).map((m) => [
        `gradient memory, ${LONG} steps, ${m === 'all' ? 'store all' : 'sqrt checkpoints'} (measured peak, fresh process)`,
        '',
        mb(longMeasured[m].peak),
        `whole gradient ${longMeasured[m].seconds.toFixed(0)} s`,
      ])
    : []),
  ['compiled arena: step / step vjp', '', `${mb(arena.step)} / ${mb(arena.vjp)}`, 'one per jitted function, reused every step'],
  [
    `eager fx.grad(mpmRollout), ${pureSteps} steps, no checkpoints (peak RSS growth)`,
    '',
    `${mb(pureNone.rssGrowth)} (${pureNone.seconds.toFixed(1)} s)`,
    'every intermediate of every step kept',
  ],
  [
    `eager fx.grad(mpmRollout), ${pureSteps} steps, fx.checkpoint per ${seg(pureSteps)} steps (peak RSS growth)`,
    '',
    `${mb(pureSqrt.rssGrowth)} (${pureSqrt.seconds.toFixed(1)} s)`,
    'segment inputs kept, one segment recomputed at a time',
  ],
];
const table = mdTable(['quantity', 'hand-written (test/sim/oracle/mpm)', 'core (sim/coreMpm; jitted step unless noted)', 'note'], rows);
const smallTable = mdTable(
  [
    'per 300-step rollout (64 particles, 32^2 grid)',
    'hand-written',
    'core, jitted step (CoreMpmStepper)',
    `core, jitted ${small.K}-step segments (MpmSegments)`,
  ],
  [
    ['forward', `${small.ms.handFwd.toFixed(1)} ms`, `${small.ms.stepFwd.toFixed(1)} ms`, `${small.ms.segFwd.toFixed(1)} ms`],
    [
      'target loss + sqrt-checkpointed gradient',
      `${small.ms.handGrad.toFixed(1)} ms`,
      `${small.ms.stepGrad.toFixed(1)} ms`,
      `${small.ms.segGrad.toFixed(1)} ms`,
    ],
  ],
);
const breakdownTable = mdTable(
  ['step of the compiled core forward step', 'ms/step', 'share'],
  breakdown.slice(0, 14).map(([k, t]) => [k, t.toFixed(2), `${((100 * t) / breakdownTotal).toFixed(0)}%`]),
);
console.log(table);
console.log(smallTable);
console.log(`segments' first call (compilation) at the runner size: ${small.compile.toFixed(1)} s`);
const gradTable = mdTable(
  ['step kind (sqrt-checkpointed gradient, core stepper)', 'forward pass', 'recomputation', 'backward'],
  [
    ...gradParts.rows.slice(0, 12).map(([k, v]) => [k, ...v.map((t) => t.toFixed(3))]),
    ['total (sum of the steps, ms per time step)', ...gradParts.totals.map((t) => t.toFixed(3))],
  ],
);
console.log(breakdownTable);
console.log(gradTable);
if (write) {
  const md = `# Core MLS-MPM vs hand-written (bench/simCore.ts)

\`node --expose-gc --import tsx bench/simCore.ts${quick ? ' --quick' : ''} --write\` on ${new Date().toISOString().slice(0, 10)}, wasm backend, f64,
2D fixed-corotated, ${n} particles, ${nGrid}^2 grid, load average ${load} (2 shared cores: timings are noisy, best of repeats).

${table}

${BEFORE}

At the runner's own MPM size (configs/mpm-target.yaml: the target task's loss and gradient, best of ${quick ? 3 : 10}, interleaved);
the runner uses MpmSegments, whose first call compiles the segment and its vjp (${small.compile.toFixed(1)} s here):

${smallTable}

Memory rows: the measured ones are peak ArrayBuffer bytes above the starting level, sampled at every step of
reverseThroughTime with the core stepper (they include garbage not yet collected, so they are upper bounds that vary with
GC timing). The ${LONG}-step rows are counted (the states each mode holds at its peak: ${LONG} for store-all;
${seg(LONG)} checkpoints + a ${seg(LONG)}-step recomputed segment for sqrt, whose recomputation also keeps each step's
residuals for its backward; times their sizes, plus the compiled step and step-vjp arenas) and, in full runs, measured
the same way as the 100-step rows in a fresh process per mode. The eager fx.grad rows run the pure
rollout helper (the same values, differentiated without jit) in a fresh process each and report the growth of its peak RSS.

Where the time of the core forward step goes (each step of the compiled wasm executable timed, best of ${quick ? 3 : 10} runs;
bspline_transfer is the fused particle-grid primitive (P2G, G2P), fused loops run as wasm f64x2 SIMD):

${breakdownTable}

Where the time of the sqrt-checkpointed gradient goes (${gradSteps} steps, the core stepper under reverseThroughTime; every
compiled step timed by core/compile/profile.ts's hook, summed by kind, best of ${quick ? 2 : 5} runs per entry, ms per
time step; the last segment's states and residuals come from the forward pass, so the recomputation covers
${gradSteps - seg(gradSteps)} of the ${gradSteps} steps; the transfer gradients run on two threads when the helper thread gets a core):

${gradTable}
`;
  writeFileSync(fileURLToPath(new URL('./results-sim-core.md', import.meta.url)), md);
  console.log('written: bench/results-sim-core.md');
}
