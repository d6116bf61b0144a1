// Truncated backpropagation through time for the controlled MPM robot (MpmRobotSegments truncateEvery: K, the
// runner's training.truncate_every for task locomotion on simulator mpm), on a 24-particle robot on a 16^2 grid:
// K >= the horizon is the full gradient bit for bit; a shorter K equals fx.grad of the rollout traced step by step
// with fx.stopGradient on the state entering steps K, 2K, ... (cuts inside segments), differs from the full gradient,
// and for a final-state loss equals central differences of the last window run from its frozen start state.
import { expect } from 'chai';
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { Mulberry32 } from '../../core/random.js';
import { MpmRobotProgram, MpmRobotSegments } from '../../sim/coreMpm/controlled.js';
import { MpmLocomotion } from '../../sim/coreMpm/locomotion.js';
import { buildMpmRobot, type RobotRect } from '../../sim/coreMpm/robot.js';
import type { FinalLoss, TrajectoryLoss } from '../../sim/segments.js';
import { fdDirectional, relErr } from '../support/check.js';

const rects: RobotRect[] = [
  { x: 0, y: 0.0625, w: 0.25, h: 0.0625, group: -1 },
  { x: 0, y: 0, w: 0.0625, h: 0.0625, group: 0 },
  { x: 0.1875, y: 0, w: 0.0625, h: 0.0625, group: 1 },
];
const prog = new MpmRobotProgram(
  buildMpmRobot(rects, 16, [0.35, 0.19]),
  { nGrid: 16, dt: 2e-3, E: 25, nu: 0.25, gravity: -3.8, actuationStrength: 40 },
  { nHidden: 4, nSin: 2, omega: 20 },
);
const T = 11;
const seg = 4;
const K = 3;
const P = prog.paramsTensor(prog.initController(1));
const s0 = prog.initialState(2);
const goal = fx.tensor([0.05, 0.15], [2, 1], 'f64');
// the locomotion task's own loss (running: mean x velocity against the goal) on the segment-boundary states
const loco = new MpmLocomotion(new MpmRobotSegments(prog, seg), {
  goal: 'running',
  range: [0, 0.2],
  horizon: T,
  envs: 2,
  evalGoals: 2,
  tolerance: 0.01,
  seed: 0,
});
const running: TrajectoryLoss = loco.loss;
const finalX: FinalLoss = (sT) => fx.mean(fx.sliceAxis(prog.centreOfMass(sT), 1, 0, 1));

/** The reference: the rollout traced one step at a time, the state detached where a cut falls, boundary states every seg steps. */
function detached(q: Tensor): Tensor {
  const step = prog.segment(1);
  let s = s0;
  const states = [s0];
  for (let t = 0; t < T; t++) {
    if (t > 0 && t % K === 0) s = fx.stopGradient(s);
    s = step(q, s, fx.scalar(t, 'f64'), goal);
    if ((t + 1) % seg === 0 || t + 1 === T) states.push(s);
  }
  return running(states, goal);
}

describe('MpmRobotSegments truncateEvery (truncated backpropagation through time for the MPM robot)', () => {
  const full = new MpmRobotSegments(prog, seg).trajectoryValueAndGrad(P, s0, T, running, goal);

  it('K >= the horizon gives the full gradient bit for bit', () => {
    for (const k of [T, 50]) {
      const r = new MpmRobotSegments(prog, seg, { truncateEvery: k }).trajectoryValueAndGrad(P, s0, T, running, goal);
      expect(r.loss).to.equal(full.loss);
      expect(Array.from(r.grad)).to.deep.equal(Array.from(full.grad));
    }
  });

  it(`K = ${K} (cuts inside segments of ${seg}) equals fx.grad of the stop_gradient-ed rollout and differs from the full gradient`, () => {
    const r = new MpmRobotSegments(prog, seg, { truncateEvery: K }).trajectoryValueAndGrad(P, s0, T, running, goal);
    const [value, g] = fx.valueAndGrad(detached)(P) as [Tensor, Tensor];
    expect(r.loss).to.be.closeTo(value.item(), 1e-12 * Math.abs(value.item()));
    expect(r.loss).to.equal(full.loss);
    expect(relErr(r.grad, g.dataSync())).to.be.lessThan(1e-10);
    expect(relErr(r.grad, full.grad)).to.be.greaterThan(1e-3);
  });

  it('a final-state loss: equals central differences of the last window run from its frozen start', () => {
    const r = new MpmRobotSegments(prog, seg, { truncateEvery: K }).valueAndGrad(P, s0, T, finalX, goal);
    const cut = Math.floor((T - 1) / K) * K;
    const frozen = new MpmRobotSegments(prog, seg).simulate(P, s0, cut, goal);
    const last = prog.segment(T - cut);
    const window = (q: Tensor): Tensor => finalX(last(q, frozen, fx.scalar(cut, 'f64'), goal));
    const rng = new Mulberry32(5);
    for (let trial = 0; trial < 3; trial++) {
      const d = Float64Array.from(r.grad, () => rng.normal());
      const fd = fdDirectional(window, [P], [fx.tensor(d, [d.length], 'f64')], 1e-4)[0];
      const an = r.grad.reduce((a, gi, i) => a + gi * d[i], 0);
      expect(Math.abs(fd - an), `direction ${trial}: ad ${an} fd ${fd}`).to.be.lessThan(1e-6 * Math.abs(fd));
    }
  });
});
