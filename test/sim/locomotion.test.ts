import { expect } from 'chai';
import * as fx from '../../core/index.js';
import { relErr } from '../support/check.js';
import type { Tensor } from '../../core/index.js';
import { Mulberry32 } from '../../core/random.js';
import { MassSpringProgram } from '../../sim/massSpring/coreStep.js';
import { SegmentRunner, initialPackedState, rollout } from '../../sim/massSpring/coreRollout.js';
import { Locomotion, type LocomotionGoal } from '../../sim/massSpring/locomotion.js';
import { defaultRobot } from '../../sim/massSpring/robot.js';

const horizon = 40;

function make(goal: LocomotionGoal): Locomotion {
  const sim = new MassSpringProgram(defaultRobot(), { nHidden: 8 }, 1);
  return new Locomotion(new SegmentRunner(sim, 8), {
    goal,
    range: goal === 'running' ? [0, 0.2] : [0.01, 0.05],
    horizon,
    envs: 3,
    evalGoals: 4,
    tolerance: 0.01,
    seed: 5,
  });
}

describe('sim/massSpring locomotion (goal-conditioned, batched)', () => {
  for (const goal of ['running', 'jumping'] as const) {
    it(`${goal}: the gradient of the batched trajectory loss matches central finite differences`, () => {
      const loco = make(goal);
      const sim = loco.runner.sim;
      const p = Float64Array.from(sim.initController(1).dataSync());
      const r = loco.lossAndGrad(p, 0);
      const goals = loco.goals.goalInput(loco.goals.trainingGoals(0));
      const s0 = initialPackedState(sim, 3);
      const value = (q: Float64Array): number => {
        const states: Tensor[] = [];
        loco.runner.simulate(fx.tensor(q, [q.length], 'f64'), s0, horizon, goals, (_t, s) => states.push(s));
        return loco.loss(states, goals).dataSync()[0];
      };
      expect(value(p)).to.be.closeTo(r.loss, 1e-15 + 1e-12 * r.loss);
      const rng = new Mulberry32(3);
      const dir = p.map(() => rng.normal());
      const h = 1e-6;
      const fd = (value(p.map((v, i) => v + h * dir[i])) - value(p.map((v, i) => v - h * dir[i]))) / (2 * h);
      const an = r.grad.reduce((a, g, i) => a + g * dir[i], 0);
      expect(Math.abs(fd - an) / Math.abs(fd)).to.be.lessThan(1e-5);
    });
  }

  it('each environment of the batch runs as if alone with its goal', () => {
    const loco = make('running');
    const sim = loco.runner.sim;
    const p = sim.initController(2);
    const goals = Float64Array.of(0.03, 0.17);
    const both = rollout(sim, p, initialPackedState(sim, 2), 30, { goal: loco.goals.goalInput(goals) }).dataSync();
    goals.forEach((g, b) => {
      const alone = rollout(sim, p, initialPackedState(sim, 1), 30, { goal: loco.goals.goalInput(Float64Array.of(g)) }).dataSync();
      const mine = both.subarray(b * alone.length, (b + 1) * alone.length);
      alone.forEach((v, i) => expect(mine[i]).to.be.closeTo(v, 1e-14));
    });
  });

  it('fx.vmap of a one-environment rollout over goals equals the explicit batch axis (values and gradients)', () => {
    const sim = make('running').runner.sim;
    const p = sim.initController(6);
    const goals = fx.tensor(Float64Array.of(-0.5, 0.2, 0.9), [3, 1, 1], 'f64');
    const one = (q: Tensor) => (g: Tensor) => rollout(sim, q, initialPackedState(sim, 1), 12, { goal: g });
    const batched = (q: Tensor) => rollout(sim, q, initialPackedState(sim, 3), 12, { goal: fx.reshape(goals, [3, 1]) });
    const weights = fx.tensor(
      Float64Array.from({ length: 3 * 4 * sim.n }, (_, i) => Math.sin(i)),
      [3, 1, 2 * sim.n, 2],
      'f64',
    );
    const mapped = fx.vmap(one(p))(goals).dataSync();
    expect(relErr(mapped, batched(p).dataSync())).to.be.lessThan(1e-14);
    const gMapped = fx.grad((q: Tensor) => fx.sum(fx.mul(fx.vmap(one(q))(goals), weights)))(p) as Tensor;
    const gBatched = fx.grad((q: Tensor) => fx.sum(fx.mul(fx.reshape(batched(q), weights.shape), weights)))(p) as Tensor;
    expect(relErr(gMapped.dataSync(), gBatched.dataSync())).to.be.lessThan(1e-12);
  });

  it('training goals are seeded per step inside the range; evaluation goals are off the training stream', () => {
    const loco = make('running');
    const a = loco.goals.trainingGoals(7);
    expect(Array.from(loco.goals.trainingGoals(7))).to.deep.equal(Array.from(a));
    expect(Array.from(loco.goals.trainingGoals(8))).to.not.deep.equal(Array.from(a));
    for (const g of a) expect(g).to.be.within(0, 0.2);
    const ev = loco.goals.evaluationGoals();
    [0.025, 0.075, 0.125, 0.175].forEach((g, i) => expect(ev[i]).to.be.closeTo(g, 1e-15));
    const e = loco.evaluate(Float64Array.from(loco.runner.sim.initController(0).dataSync()));
    expect(e.achieved.length).to.equal(4);
    const dist = e.achieved.reduce((s, v, i) => s + Math.abs(v - e.goals[i]), 0) / 4;
    expect(e.goalDistance).to.be.closeTo(dist, 1e-15);
  });

  it('rejects a controller without a goal input and an empty goal range', () => {
    const plain = new SegmentRunner(new MassSpringProgram(defaultRobot()), 4);
    const opts = { goal: 'running' as const, range: [0, 1] as const, horizon: 10, envs: 2, evalGoals: 2, tolerance: 0.1, seed: 0 };
    expect(() => new Locomotion(plain, opts)).to.throw(/1 goal input/);
    expect(() => new Locomotion(make('running').runner, { ...opts, range: [1, 1] })).to.throw(/max > min/);
  });
});
