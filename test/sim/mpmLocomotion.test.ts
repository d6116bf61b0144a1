// The controlled MPM soft robot (sim/coreMpm/controlled.ts) and its locomotion task: the batched rollout's gradient
// (vmapped segments, checkpoints at segment boundaries) against central differences, every environment of the
// batch equal to a run of its own, and the robot's and program's input checks. In f32 (the gpu backend's dtype): f32
// against f64 on the reference backend, and the gpu backend (gpu.js 'cpu' mode) against it in f32.
import { expect } from 'chai';
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { MpmRobotProgram, MpmRobotSegments } from '../../sim/coreMpm/controlled.js';
import { MpmLocomotion } from '../../sim/coreMpm/locomotion.js';
import { buildMpmRobot, difftaichiWalker, type RobotRect } from '../../sim/coreMpm/robot.js';
import type { LocomotionGoal } from '../../sim/locomotionGoals.js';
import { Mulberry32 } from '../../core/random.js';
import { relErr, scaledErr } from '../support/check.js';
import type { FloatDType } from '../../core/dtype.js';
import { createNodeGpuBackend } from '../../core/backend/gpuNode.js';
import { CPU_HOST_ONLY, type GpuBackend } from '../../core/backend/gpu.js';
import { wasmKernels } from '../../core/backend/wasm.js';

// a slab on two actuated legs: 24 particles on a 16^2 grid, standing on the floor layer (internal stress alone cannot
// move the centre of mass: the floor reaction carries the controller's effect)
const rects: RobotRect[] = [
  { x: 0, y: 0.0625, w: 0.25, h: 0.0625, group: -1 },
  { x: 0, y: 0, w: 0.0625, h: 0.0625, group: 0 },
  { x: 0.1875, y: 0, w: 0.0625, h: 0.0625, group: 1 },
];
const horizon = 8;

function program(dtype: FloatDType = 'f64'): MpmRobotProgram {
  const robot = buildMpmRobot(rects, 16, [0.35, 0.19]);
  return new MpmRobotProgram(
    robot,
    { nGrid: 16, dt: 2e-3, E: 25, nu: 0.25, gravity: -3.8, actuationStrength: 40, dtype },
    { nHidden: 4, nSin: 2, omega: 20 },
  );
}

function make(goal: LocomotionGoal, dtype: FloatDType = 'f64'): MpmLocomotion {
  return new MpmLocomotion(new MpmRobotSegments(program(dtype), 4), {
    goal,
    range: goal === 'running' ? [0, 0.2] : [0.001, 0.01],
    horizon,
    envs: 2,
    evalGoals: 3,
    tolerance: 0.01,
    seed: 4,
  });
}

describe('sim/coreMpm controlled robot and locomotion (batched, f64)', () => {
  it('builds the DiffTaichi walker: 4 actuated legs, particles 2 per cell and axis', () => {
    const r = buildMpmRobot(difftaichiWalker(), 32, [0.1, 0.1]);
    expect(r.nGroups).to.equal(4);
    // slab 0.3 x 0.1 -> 19 x 6, each leg 0.05 x 0.1 -> 3 x 6
    expect(r.groups.length).to.equal(19 * 6 + 4 * 3 * 6);
    for (let g = 0; g < 4; g++) expect(r.groups.filter((k) => k === g).length).to.equal(18);
    expect(Math.min(...r.positions.filter((_, i) => i % 2 === 1))).to.be.greaterThan(0.1);
  });

  for (const goal of ['running', 'jumping'] as const) {
    it(`${goal}: the gradient of the batched loss (B = 2) matches central differences`, () => {
      const loco = make(goal);
      const prog = loco.runner.program;
      const p = prog.initController(1);
      const r = loco.lossAndGrad(p, 0);
      const goals = loco.goals.goalInput(loco.goals.trainingGoals(0));
      const value = (q: Float64Array): number => {
        const states: Tensor[] = [];
        loco.runner.simulate(prog.paramsTensor(q), prog.initialState(2), horizon, goals, (_t, s) => states.push(s));
        return loco.loss(states, goals).dataSync()[0];
      };
      expect(value(p)).to.be.closeTo(r.loss, 1e-12 * Math.abs(r.loss) + 1e-18);
      expect(Math.hypot(...r.grad)).to.be.greaterThan(0);
      // directional derivatives along random directions, central differences
      const rng = new Mulberry32(7);
      const h = 1e-5;
      for (let k = 0; k < 3; k++) {
        const d = Float64Array.from(p, () => rng.normal());
        const at = (s: number) => value(Float64Array.from(p, (v, i) => v + s * d[i]));
        const fd = (at(h) - at(-h)) / (2 * h);
        const ad = r.grad.reduce((a, g, i) => a + g * d[i], 0);
        expect(relErr([ad], [fd]), `direction ${k}: ad ${ad} fd ${fd}`).to.be.below(1e-6);
      }
    });
  }

  it('each environment of the batch runs as if alone with its goal (B = 3 vs B = 1)', () => {
    const prog = program();
    const runner = new MpmRobotSegments(prog, 3);
    const p = prog.paramsTensor(prog.initController(2));
    const goals = [-0.8, 0.1, 0.9];
    const batch = runner.simulate(p, prog.initialState(3), horizon, fx.tensor(goals, [3, 1], 'f64')).dataSync();
    const size = batch.length / 3;
    goals.forEach((g, b) => {
      const alone = runner.simulate(p, prog.initialState(1), horizon, fx.tensor([g], [1, 1], 'f64')).dataSync();
      expect(relErr(batch.subarray(b * size, (b + 1) * size), alone), `environment ${b}`).to.be.below(1e-13);
    });
    // the goals change the trajectories (the controller sees them)
    expect(relErr(batch.subarray(0, size), batch.subarray(size, 2 * size))).to.be.greaterThan(1e-8);
  });

  it('evaluate scores the held-out goals with the shared goal distance and success rate', () => {
    const loco = make('running');
    const e = loco.evaluate(loco.runner.program.initController(0));
    expect(Array.from(e.goals)).to.deep.equal(Array.from(loco.goals.evaluationGoals()));
    const dist = e.achieved.reduce((a, v, i) => a + Math.abs(v - e.goals[i]), 0) / 3;
    expect(e.goalDistance).to.be.closeTo(dist, 1e-15);
  });

  it('rejects bad robots, controllers and missing goals', () => {
    expect(() => buildMpmRobot([], 16, [0.3, 0.3])).to.throw(/at least one rectangle/);
    expect(() => buildMpmRobot([{ x: 0, y: 0, w: 0.1, h: 0.1, group: 1 }], 16, [0.3, 0.3])).to.throw(/group 0 has no rectangle/);
    expect(() => buildMpmRobot([{ x: 0, y: 0, w: 0.1, h: 0.1, group: -1 }], 16, [0.3, 0.3])).to.throw(/no rectangle is actuated/);
    expect(() => buildMpmRobot([{ x: 0, y: 0, w: 0, h: 0.1, group: 0 }], 16, [0.3, 0.3])).to.throw(/w, h > 0/);
    const robot = buildMpmRobot(rects, 16, [0.35, 0.19]);
    expect(() => new MpmRobotProgram(robot, { nGrid: 16 }, { nHidden: 4, nSin: 2, omega: 20 })).to.throw(/actuationStrength must be > 0/);
    expect(() => new MpmRobotProgram(robot, { nGrid: 16, actuationStrength: 1 }, { nHidden: 0, nSin: 2, omega: 20 })).to.throw(/nHidden/);
    const prog = program();
    const runner = new MpmRobotSegments(prog, 3);
    expect(() => runner.simulate(prog.paramsTensor(prog.initController(0)), prog.initialState(1), 3)).to.throw(/goal input/);
    expect(() => prog.paramsTensor(new Float64Array(3))).to.throw(/expected/);
  });
});

describe("sim/coreMpm controlled robot in f32: f32 vs f64, and the gpu backend (gpu.js 'cpu' mode) vs the reference", () => {
  const peer = wasmKernels() ? 'wasm' : 'js';
  let gpu: GpuBackend;
  before(() => {
    gpu = createNodeGpuBackend('cpu');
  });
  after(() => fx.setBackend(peer));

  /** Loss, gradient and the final states' dtype of one training step (running, B = 2) in `dtype` on `backend`. */
  const step = (backend: 'gpu' | 'wasm' | 'js', dtype: FloatDType) =>
    fx.withBackend(backend, () => {
      const loco = make('running', dtype);
      const prog = loco.runner.program;
      // params f32-representable, so both dtypes start from the same controller
      const p = Float64Array.from(Float32Array.from(prog.initController(1)));
      const goal = loco.goals.goalInput(loco.goals.trainingGoals(0));
      const last = loco.runner.simulate(prog.paramsTensor(p), prog.initialState(2), horizon, goal);
      return { ...loco.lossAndGrad(p, 0), dtype: last.dtype, goalDtype: goal.dtype };
    });

  it('the f32 program keeps goals and states in f32; its loss and gradient equal f64 to f32 rounding (1e-4; measured 1.1e-5, 7.4e-6)', () => {
    const f32 = step(peer, 'f32');
    const f64 = step(peer, 'f64');
    expect([f32.dtype, f32.goalDtype, f64.dtype, f64.goalDtype]).to.deep.equal(['f32', 'f32', 'f64', 'f64']);
    expect(f32.loss).not.to.equal(f64.loss);
    expect(relErr([f32.loss], [f64.loss])).to.be.below(1e-4);
    expect(scaledErr(f32.grad, f64.grad)).to.be.below(1e-4);
  });

  it('on the gpu backend in f32 the loss and gradient equal the reference backend in f32 (1e-5, 1e-4; measured 0, 2.0e-6)', () => {
    const gpu = step('gpu', 'f32');
    const ref = step(peer, 'f32');
    expect(gpu.dtype).to.equal('f32');
    expect(relErr([gpu.loss], [ref.loss])).to.be.below(1e-5);
    expect(scaledErr(gpu.grad, ref.grad)).to.be.below(1e-4);
  });

  it('with the particle-grid transfers on device too (vmapped over the batch), the same bounds (measured 0, 3.2e-6)', () => {
    gpu.hostOnly.clear();
    try {
      const dev = step('gpu', 'f32');
      const ref = step(peer, 'f32');
      expect(relErr([dev.loss], [ref.loss])).to.be.below(1e-5);
      expect(scaledErr(dev.grad, ref.grad)).to.be.below(1e-4);
    } finally {
      for (const p of CPU_HOST_ONLY) gpu.hostOnly.add(p);
    }
  });

  it('rejects a dtype other than f32 / f64, naming it', () => {
    expect(() => program('i32' as FloatDType)).to.throw(/MpmRobotProgram: dtype must be 'f32' or 'f64', got i32/);
  });
});
