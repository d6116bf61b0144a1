// Truncated backpropagation through time in SegmentRunner (truncateEvery: K): checked against the same rollout
// traced with fx.stopGradient on the state entering steps K, 2K, ... (fx.grad of it), against central finite
// differences of the last window run from its frozen start state, and K >= horizon against the full gradient.
import { expect } from 'chai';
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { Mulberry32 } from '../../core/random.js';
import {
  SegmentRunner,
  initialPackedState,
  packState,
  segment,
  unpackState,
  type TrajectoryLoss,
} from '../../sim/massSpring/coreRollout.js';
import { MassSpringProgram } from '../../sim/massSpring/coreStep.js';
import { centreOfMass, walkLoss } from '../../sim/massSpring/coreWalk.js';
import { defaultRobot } from '../../sim/massSpring/robot.js';
import { relErr } from '../support/check.js';

const sim = new MassSpringProgram(defaultRobot(), { friction: 1 });
const P = sim.initController(3);
const s0 = initialPackedState(sim, 2);

/** Loss on every segment-boundary state: the mean centre-of-mass x over boundaries and environments. */
const meanCentre: TrajectoryLoss = (states) => fx.mean(fx.concat(states.map((s) => fx.sliceAxis(centreOfMass(sim, s), 1, 0, 1))));
const final = walkLoss(sim);
const lastOnly: TrajectoryLoss = (states) => final(states[states.length - 1]);

/** The reference: one traced rollout, the state detached where a cut falls, boundary states every `every` steps. */
function detached(q: Tensor, s: Tensor, T: number, K: number, every: number, loss: TrajectoryLoss): Tensor {
  let [x, v] = unpackState(sim, s);
  const states = [s];
  for (let t = 0; t < T; t++) {
    if (t > 0 && t % K === 0) [x, v] = [fx.stopGradient(x), fx.stopGradient(v)];
    [x, v] = sim.step(q, x, v, fx.scalar(t, 'f64'));
    if ((t + 1) % every === 0 || t + 1 === T) states.push(packState(x, v));
  }
  return loss(states);
}

describe('SegmentRunner truncateEvery (truncated backpropagation through time)', () => {
  it('K >= the horizon gives the full gradient bit for bit', () => {
    const full = new SegmentRunner(sim, 7).trajectoryValueAndGrad(P, s0, 45, meanCentre);
    for (const K of [45, 200]) {
      const r = new SegmentRunner(sim, 7, { truncateEvery: K }).trajectoryValueAndGrad(P, s0, 45, meanCentre);
      expect(r.loss).to.equal(full.loss);
      expect(Array.from(r.grad)).to.deep.equal(Array.from(full.grad));
      expect(Array.from(r.stateGrad.dataSync())).to.deep.equal(Array.from(full.stateGrad.dataSync()));
    }
  });

  // segments of 7 with cuts every 10 (cuts inside segments, a remainder segment), aligned 5 / 10, and one-step segments
  for (const [every, K, T] of [
    [7, 10, 45],
    [5, 10, 40],
    [1, 4, 18],
  ]) {
    for (const [name, loss] of [
      ['a loss on every boundary state', meanCentre],
      ['a final-state loss', lastOnly],
    ] as const) {
      it(`equals fx.grad of the stop_gradient-ed rollout: segments of ${every}, K = ${K}, T = ${T}, ${name}`, () => {
        const r = new SegmentRunner(sim, every, { truncateEvery: K }).trajectoryValueAndGrad(P, s0, T, loss);
        const [value, [gP, gS]] = fx.valueAndGrad((q: Tensor, s: Tensor) => detached(q, s, T, K, every, loss), [0, 1])(P, s0) as [
          Tensor,
          Tensor[],
        ];
        expect(r.loss).to.be.closeTo(value.item(), 1e-14);
        expect(relErr(r.grad, gP.dataSync())).to.be.lessThan(1e-10);
        expect(relErr(r.stateGrad.dataSync(), gS.dataSync())).to.be.lessThan(1e-10);
        // and it is a different gradient from the full one (the cuts matter)
        const full = new SegmentRunner(sim, every).trajectoryValueAndGrad(P, s0, T, loss);
        expect(relErr(r.grad, full.grad)).to.be.greaterThan(1e-3);
      });
    }
  }

  it('a final-state loss: equals central finite differences of the last window run from its frozen start', () => {
    const T = 45;
    const K = 10;
    const cut = 40;
    const r = new SegmentRunner(sim, 7, { truncateEvery: K }).valueAndGrad(P, s0, T, final);
    // the state at the last cut, computed once at P and then held fixed
    const frozen = new SegmentRunner(sim, 8).simulate(P, s0, cut);
    const last = segment(sim, T - cut);
    const value = (q: Float64Array): number => final(last(fx.tensor(q, [q.length], 'f64'), frozen, fx.scalar(cut, 'f64'))).item();
    const p = Float64Array.from(P.dataSync());
    const rng = new Mulberry32(11);
    for (let trial = 0; trial < 3; trial++) {
      const dp = p.map(() => rng.normal());
      const h = 1e-6;
      const fd = (value(p.map((v, i) => v + h * dp[i])) - value(p.map((v, i) => v - h * dp[i]))) / (2 * h);
      const an = r.grad.reduce((a, g, i) => a + g * dp[i], 0);
      expect(Math.abs(fd - an) / Math.abs(fd)).to.be.lessThan(1e-6);
    }
  });

  it('refuses a truncateEvery that is not a positive integer', () => {
    for (const K of [0, -3, 2.5])
      expect(() => new SegmentRunner(sim, 5, { truncateEvery: K })).to.throw(/truncateEvery must be a positive integer/);
  });
});
