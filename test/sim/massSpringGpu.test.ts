// The mass-spring core program in f32: on the gpu backend (gpu.js 'cpu' mode: the kernel sources gpu.js translates
// for a real GPU) against the wasm backend, and wasm f32 against wasm f64 (so the f32 path itself is known right).
// A short rollout of a batch of two walkers with the MLP controller, by jitted segments (SegmentRunner), and the
// gradient of the walk loss w.r.t. the controller params through the segments' vjps.
import { expect } from 'chai';
import * as fx from '../../index.js';
import type { Tensor } from '../../index.js';
import { Mulberry32 } from '../../core/random.js';
import { createNodeGpuBackend } from '../../core/backend/gpuNode.js';
import type { GpuBackend } from '../../core/backend/gpu.js';
import { GpuExecutable } from '../../core/compile/gpuExecutable.js';
import { inlineCustom } from '../../core/compile/inline.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import type { FloatDType } from '../../core/dtype.js';
import { MassSpringProgram } from '../../sim/massSpring/coreStep.js';
import { SegmentRunner, rollout, segment } from '../../sim/massSpring/coreRollout.js';
import { walkLoss } from '../../sim/massSpring/coreWalk.js';
import { defaultRobot, type MassSpringModel } from '../../sim/massSpring/robot.js';
import { scaledErr } from '../support/check.js';

type Name = 'wasm' | 'gpu' | 'js';
const peer: Name = wasmKernels() ? 'wasm' : 'js';

// dashpots on, so every term of the step (springs, dashpots, contact, friction) is exercised
function robot(): MassSpringModel {
  const m = defaultRobot();
  m.springs.damping.fill(2);
  return m;
}

const STEPS = 40;
const BATCH = 2;

/** Rest positions with seeded downward-biased velocities: particles reach the ground and slide within a few steps. */
function movingStart(n: number): Float64Array {
  const rng = new Mulberry32(4);
  const s = new Float64Array(BATCH * 4 * n);
  for (let b = 0; b < BATCH; b++) {
    s.set(defaultRobot().positions, b * 4 * n);
    for (let i = 0; i < 2 * n; i++) s[b * 4 * n + 2 * n + i] = 0.3 * rng.normal() - (i % 2 === 1 ? 0.5 : 0);
  }
  return s;
}

interface Outcome {
  /** x then v of every environment, after STEPS steps */
  state: Float32Array | Float64Array;
  grad: Float64Array;
  loss: number;
  dtype: string;
}

/** The rollout and the walk-loss gradient in `dtype` on `backend`; params are f32-representable in both dtypes. */
function outcome(backend: Name, dtype: FloatDType): Outcome {
  return fx.withBackend(backend, () => {
    const sim = new MassSpringProgram(robot(), { dtype });
    const params = sim.paramsTensor(Float64Array.from(Float32Array.from(sim.initController(3).dataSync())));
    const s0 = fx.tensor(movingStart(sim.n), [BATCH, 2 * sim.n, 2], dtype);
    const r = new SegmentRunner(sim, 10).valueAndGrad(params, s0, STEPS, walkLoss(sim));
    return { state: r.finalState.dataSync() as Float32Array | Float64Array, grad: r.grad, loss: r.loss, dtype: r.finalState.dtype };
  });
}

/** Positions and velocities of a packed [B, 2n, 2] state, each compared on its own scale. */
function errors(a: Outcome, b: Outcome, n: number): { x: number; v: number; grad: number } {
  const part = (s: ArrayLike<number>, from: number): number[] => {
    const out: number[] = [];
    for (let e = 0; e < BATCH; e++) for (let i = 0; i < 2 * n; i++) out.push(s[e * 4 * n + from + i]);
    return out;
  };
  return {
    x: scaledErr(part(a.state, 0), part(b.state, 0)),
    v: scaledErr(part(a.state, 2 * n), part(b.state, 2 * n)),
    grad: scaledErr(a.grad, b.grad),
  };
}

describe("sim/massSpring core program in f32: gpu backend (gpu.js 'cpu' mode) vs wasm, and f32 vs f64", () => {
  const n = robot().positions.length / 2;
  let gpu: GpuBackend;
  let f64: Outcome;
  let f32: Outcome;
  before(() => {
    gpu = createNodeGpuBackend('cpu');
    f64 = outcome(peer, 'f64');
    f32 = outcome(peer, 'f32');
  });
  after(() => fx.setBackend(peer));

  it('the f32 program keeps its state in f32, and contact happened (the tests below are not about free flight)', () => {
    expect(f32.dtype).to.equal('f32');
    expect(f64.dtype).to.equal('f64');
    let lowest = Infinity;
    for (let i = 0; i < BATCH * n; i++) lowest = Math.min(lowest, f64.state[Math.floor(i / n) * 4 * n + 2 * (i % n) + 1]);
    expect(lowest).to.be.closeTo(0.1, 1e-6);
    expect(Math.hypot(...f64.grad)).to.be.above(1e-3);
  });

  it(`wasm f32 vs wasm f64 after ${STEPS} steps: positions 1e-5, velocities 1e-3 (spring-force cancellation), gradient 1e-4`, () => {
    const e = errors(f32, f64, n);
    // f32 rounding is there (the dtype really changed) and stays small
    expect(e.x).to.be.above(1e-9);
    expect(e.x).to.be.below(1e-5);
    expect(e.v).to.be.below(1e-3);
    expect(e.grad).to.be.below(1e-4);
    expect(Math.abs(f32.loss - f64.loss)).to.be.below(1e-5 * Math.abs(f64.loss));
  });

  it(`gpu f32 vs wasm f32 after ${STEPS} steps: positions 1e-5, velocities 1e-3, gradient 1e-4`, () => {
    const g = outcome('gpu', 'f32');
    expect(g.dtype).to.equal('f32');
    const e = errors(g, f32, n);
    expect(e.x).to.be.below(1e-5);
    expect(e.v).to.be.below(1e-3);
    expect(e.grad).to.be.below(1e-4);
    expect(Math.abs(g.loss - f32.loss)).to.be.below(1e-5 * Math.abs(f32.loss));
  });

  it('a compiled segment and its vjp run entirely on device (the spring impulses by the gather-form scatter-add kernel)', () => {
    const sim = new MassSpringProgram(robot(), { dtype: 'f32' });
    const seg = segment(sim, 2);
    const avals = [
      { shape: [sim.nParams], dtype: 'f32' as const },
      { shape: [BATCH, 2 * sim.n, 2], dtype: 'f32' as const },
      { shape: [], dtype: 'f32' as const },
    ];
    const forward = fx.makeGraph(seg, avals);
    const pull = fx.makeGraph(
      (p: Tensor, s: Tensor, t: Tensor, ct: Tensor) => fx.vjp(seg, p, s, t)[1](ct).slice(0, 2),
      [...avals, avals[1]],
    );
    for (const g of [forward, pull]) {
      const exe = fx.withBackend('gpu', () => new GpuExecutable(inlineCustom(g), gpu));
      expect(exe.hostSteps).to.deep.equal([]);
      expect(exe.kernelCount).to.be.above(20);
    }
  });

  it('fx.grad of a whole traced rollout (fx.checkpoint segments), jitted: gpu equals wasm f32 and the SegmentRunner', () => {
    const sim = new MassSpringProgram(robot(), { dtype: 'f32' });
    const s0 = fx.tensor(movingStart(sim.n), [BATCH, 2 * sim.n, 2], 'f32');
    const p = sim.initController(3);
    const loss = walkLoss(sim);
    const gradOf = fx.grad((q: Tensor) => loss(rollout(sim, q, s0, 12, { segment: 4, checkpoint: true })));
    const grad = (): number[] => Array.from((fx.jit((q: Tensor) => gradOf(q) as Tensor)(p) as Tensor).dataSync());
    const onGpu = fx.withBackend('gpu', grad);
    expect(scaledErr(onGpu, fx.withBackend(peer, grad))).to.be.below(1e-4);
    const viaSegments = fx.withBackend('gpu', () => new SegmentRunner(sim, 4).valueAndGrad(p, s0, 12, loss).grad);
    expect(scaledErr(onGpu, viaSegments)).to.be.below(1e-4);
  });

  it('rejects a dtype other than f32 / f64, naming it', () => {
    expect(() => new MassSpringProgram(robot(), { dtype: 'i32' as FloatDType })).to.throw(
      /MassSpringProgram: dtype must be 'f32' or 'f64', got i32/,
    );
  });
});
