/**
 * The simulators' core programs on the gpu backend beside wasm: time per simulated step of jitted segments (forward,
 * and forward + reverse through time for a gradient), mass-spring (DiffTaichi's walker, batch 1 and 16) and 2D MLS-MPM.
 * The gpu rows are gpu.js's 'cpu' mode: its JavaScript emulation of the kernels a real GPU would run (no GPU here), so
 * they say what the gpu path costs on a CPU, not what a GPU would do. The gpu backend is f32, so wasm runs both f32
 * (the same program) and f64 (the default). For MPM, the gpu backend also runs with its B-spline transfer kernels on
 * (in gpu.js's CPU modes they are off by default, core/backend/gpu.ts): an A/B in one process.
 * Run: npx tsx bench/simGpu.ts [--quick] [--write]
 * (--write rewrites bench/results-sim-gpu.json).
 */
import { loadavg } from 'node:os';
import * as fx from '../index.js';
import type { Tensor } from '../index.js';
import { createNodeGpuBackend } from '../core/backend/gpuNode.js';
import type { FloatDType } from '../core/dtype.js';
import type { PrimName } from '../core/prims/types.js';
import { MassSpringProgram } from '../sim/massSpring/coreStep.js';
import { SegmentRunner, initialPackedState } from '../sim/massSpring/coreRollout.js';
import { walkLoss } from '../sim/massSpring/coreWalk.js';
import { defaultRobot } from '../sim/massSpring/robot.js';
import { MpmSegments, blockParticles2D, coreMpm, sharedVelocityState, targetLoss } from '../sim/coreMpm/index.js';
import { mdTable } from './markdown.js';
import { writeResults } from './results.js';
import { best } from './timing.js';

const quick = process.argv.includes('--quick');
const reps = quick ? 2 : 8;
const load0 = loadavg();
if (!fx.findBackend('wasm')?.compile) throw new Error('bench/simGpu: the wasm backend is not built (npm run build:wasm)');
const gpu = createNodeGpuBackend('cpu');

type Backend = 'wasm' | 'gpu';
interface Variant {
  label: string;
  backend: Backend;
  dtype: FloatDType;
  /** the gpu backend's hostOnly while this variant compiles (absent: its default; the A/B of device kernels) */
  hostOnly?: PrimName[];
}
const variants: Variant[] = [
  { label: 'wasm f64', backend: 'wasm', dtype: 'f64' },
  { label: 'wasm f32', backend: 'wasm', dtype: 'f32' },
  { label: 'gpu f32 (gpu.js cpu emulation)', backend: 'gpu', dtype: 'f32' },
  { label: 'gpu f32, B-spline transfers on device', backend: 'gpu', dtype: 'f32', hostOnly: [] },
];

/** f with the gpu backend keeping exactly `prims` on the host (graphs compiled inside keep that choice). */
function withHostOnly<T>(prims: readonly PrimName[] | undefined, f: () => T): T {
  const before = [...gpu.hostOnly];
  if (prims) {
    gpu.hostOnly.clear();
    for (const p of prims) gpu.hostOnly.add(p);
  }
  try {
    return f();
  } finally {
    gpu.hostOnly.clear();
    for (const p of before) gpu.hostOnly.add(p);
  }
}

interface Problem {
  name: string;
  steps: number;
  /** whether it runs B-spline transfers (MPM): only then is the device-transfer variant timed */
  transfers?: boolean;
  /** builds the problem in `dtype` on the current backend: a forward rollout and a gradient, each of `steps` steps */
  make(dtype: FloatDType): { forward: () => void; gradient: () => void };
}

const K = 10;
const massSpring = (batch: number): Problem => ({
  name: `mass-spring walker (6 particles, 11 springs), batch ${batch}`,
  steps: quick ? 20 : 40,
  make(dtype) {
    const sim = new MassSpringProgram(defaultRobot(), { dtype });
    const runner = new SegmentRunner(sim, K);
    const p = sim.initController(0);
    const s0 = initialPackedState(sim, batch);
    const loss = walkLoss(sim);
    return {
      forward: () => void runner.simulate(p, s0, this.steps).dataSync(),
      gradient: () => void runner.valueAndGrad(p, s0, this.steps, loss),
    };
  },
});

const mpm: Problem = {
  name: '2D MLS-MPM fixed-corotated, 256 particles, 32^2 grid',
  transfers: true,
  steps: quick ? 10 : 20,
  make(dtype) {
    const positions = blockParticles2D(16, 16, 0.3, 0.4, 0.2, 0.2, 0);
    const sim = coreMpm({ dim: 2, nGrid: 32, nParticles: 256, dt: 2e-4, E: 1000, nu: 0.2, dtype });
    const runner = new MpmSegments(sim, K);
    const moduli: Tensor = runner.moduli();
    const s0 = sharedVelocityState(sim, positions, [0.5, 0]);
    const grad = targetLoss(runner, positions, [0.55, 0.45], this.steps);
    return {
      forward: () => void runner.simulate(moduli, s0, this.steps).dataSync(),
      gradient: () => void grad([0.5, 0]),
    };
  },
};

const problems = [massSpring(1), massSpring(16), mpm];
interface Case {
  problem: Problem;
  variant: (typeof variants)[number];
  forward: () => void;
  gradient: () => void;
  fwd: number;
  grd: number;
}
const cases: Case[] = problems.flatMap((problem) =>
  variants
    .filter((variant) => !variant.hostOnly || problem.transfers)
    .map((variant) => {
      const run = (f: () => void) => () => fx.withBackend(variant.backend, f);
      const { forward, gradient } = fx.withBackend(variant.backend, () => problem.make(variant.dtype));
      const c = { problem, variant, forward: run(forward), gradient: run(gradient), fwd: Infinity, grd: Infinity };
      // the first calls compile the segment and its vjp (untimed)
      withHostOnly(variant.hostOnly, () => {
        c.forward();
        c.gradient();
      });
      return c;
    }),
);
// rounds over every case in turn, so all of them see the same (shifting) load; the best of `reps` per case
for (let r = 0; r < reps; r++) {
  for (const c of cases) {
    c.fwd = Math.min(c.fwd, best(1, c.forward));
    c.grd = Math.min(c.grd, best(1, c.gradient));
  }
}
const rows = cases.map((c) => ({
  problem: c.problem.name,
  backend: c.variant.label,
  forwardMsPerStep: (c.fwd * 1e3) / c.problem.steps,
  gradientMsPerStep: (c.grd * 1e3) / c.problem.steps,
}));

const load1 = loadavg();
const base = (problem: string) => rows.find((r) => r.problem === problem && r.backend === 'wasm f32');
console.log(
  mdTable(
    ['problem', 'backend', 'forward ms/step', 'gradient ms/step', 'forward / wasm f32', 'gradient / wasm f32'],
    rows.map((r) => [
      r.problem,
      r.backend,
      r.forwardMsPerStep.toFixed(3),
      r.gradientMsPerStep.toFixed(3),
      `${(r.forwardMsPerStep / (base(r.problem)?.forwardMsPerStep ?? Number.NaN)).toFixed(1)}x`,
      `${(r.gradientMsPerStep / (base(r.problem)?.gradientMsPerStep ?? Number.NaN)).toFixed(1)}x`,
    ]),
  ),
);
const fmt = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
console.log(`segments of ${K} steps, best of ${reps} interleaved rounds; load average ${fmt(load0)} -> ${fmt(load1)}`);
writeResults('sim-gpu', {
  date: new Date().toISOString(),
  note: "gpu rows: gpu.js 'cpu' mode, a JavaScript emulation of the GPU kernels on the CPU (no GPU on this machine)",
  segmentLength: K,
  reps,
  loadavgBefore: load0,
  loadavgAfter: load1,
  rows,
});
