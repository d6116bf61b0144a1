import { expect } from 'chai';
import {
  MpmSegments,
  ParticleLeftGridError,
  blockParticles2D,
  checkpointSegment,
  coreMpm,
  hitTarget,
  identifyYoungsModulus,
  observeTrajectory,
  sharedVelocityState,
  targetLoss,
} from '../../sim/index.js';
import { Mpm2D } from './oracle/mpm/mpm2d.js';
import { targetLoss as oracleTargetLoss } from './oracle/mpm/tasks.js';
import { MassSpringProgram } from '../../sim/massSpring/coreStep.js';
import { SegmentRunner } from '../../sim/massSpring/coreRollout.js';
import { defaultRobot } from '../../sim/massSpring/robot.js';
import { coreMpmFrames, massSpringFrames } from '../../sim/frames.js';
import { relErr } from '../support/check.js';

describe('sim tasks and frames', () => {
  const pos = blockParticles2D(6, 6, 0.25, 0.25, 0.15, 0.15);
  const opts = { nGrid: 16, nParticles: 36, dt: 4e-4, E: 400, nu: 0.3, gravity: -9.8 };

  it('the core target loss and its gradient equal the hand-written adjoint (1e-6) and central differences, both checkpoint modes', () => {
    const steps = 60;
    const target = [0.55, 0.4] as const;
    const vel = [0.7, 1.3];
    const oracle = oracleTargetLoss(new Mpm2D(opts), pos, target, steps, 'sqrt')(vel);
    const sim = coreMpm({ ...opts, dim: 2 });
    for (const mode of ['sqrt', 'all'] as const) {
      const f = targetLoss(new MpmSegments(sim, checkpointSegment(steps, mode)), pos, target, steps);
      const r = f(vel);
      expect(relErr([r.loss], [oracle.loss]), mode).to.be.below(1e-10);
      expect(relErr(r.grad, oracle.grad), mode).to.be.below(1e-6);
      const h = 1e-5;
      const fd = [0, 1].map((k) => {
        const up = [...vel],
          dn = [...vel];
        up[k] += h;
        dn[k] -= h;
        return (f(up).loss - f(dn).loss) / (2 * h);
      });
      expect(relErr(r.grad, fd), mode).to.be.below(1e-6);
    }
  });

  it('MPM soft body hits a target by optimising its initial velocity (loss drops > 100x)', () => {
    const r = hitTarget(opts, pos, [0.55, 0.4], { steps: 250, iterations: 25, lr: 0.3 });
    const first = r.history[0],
      last = r.history[r.history.length - 1];
    expect(last).to.be.lessThan(first / 100);
  });

  it("material identification recovers Young's modulus from an observed trajectory (within 1%)", () => {
    const vel = new Float64Array(72).map((_, i) => (i % 2 === 0 ? 0.5 : -1.5));
    const obs = observeTrajectory(opts, pos, vel, 300, 20);
    expect(obs.length).to.equal(16);
    expect(Array.from(obs[0])).to.deep.equal(Array.from(pos));
    const r = identifyYoungsModulus(opts, pos, vel, obs, { steps: 300, iterations: 30, E0: 250, observeEvery: 20 });
    expect(Math.abs(r.E - 400) / 400).to.be.lessThan(0.01);
    expect(r.history[r.history.length - 1].loss).to.be.lessThan(r.history[0].loss * 1e-3);
    expect(() => identifyYoungsModulus(opts, pos, vel, obs.slice(1), { steps: 300, iterations: 1, E0: 250, observeEvery: 20 })).to.throw(
      /observed has 15 frames, expected 16/,
    );
  });

  it('a body thrown off the grid inside a jitted segment raises ParticleLeftGridError', () => {
    const sim = coreMpm({ ...opts, dim: 2 });
    const runner = new MpmSegments(sim, 10);
    expect(() => runner.simulate(runner.moduli(), sharedVelocityState(sim, pos, [2000, 0]), 20)).to.throw(
      ParticleLeftGridError,
      /MPM: particle \d+ at .* is outside the grid/,
    );
  });

  it('frames carry positions, springs and point data of the right sizes', () => {
    const sim = new MassSpringProgram(defaultRobot());
    const f = massSpringFrames(new SegmentRunner(sim, 5), sim.initController(0).dataSync() as Float64Array, 10)[0];
    expect(f.map((x) => x.step)).to.deep.equal([0, 5, 10]);
    expect(f[0].points.length).to.equal(2 * sim.n);
    expect(f[0].lines?.length).to.equal(2 * sim.nSprings);
    expect(Array.from(f[0].points)).to.deep.equal(Array.from(defaultRobot().positions));
    const mpm = coreMpm({ ...opts, dim: 2 });
    const runner = new MpmSegments(mpm, 2);
    const mf = coreMpmFrames(runner, runner.moduli(), sharedVelocityState(mpm, pos, [0.3, -0.2]), 5);
    expect(mf.map((x) => x.step)).to.deep.equal([0, 2, 4, 5]);
    expect(Array.from(mf[0].points)).to.deep.equal(Array.from(pos));
    expect(mf[0].pointData.J[0]).to.equal(1);
    expect(Array.from(mf[0].pointData.velocity.subarray(0, 2))).to.deep.equal([0.3, -0.2]);
    expect(mf[2].pointData.velocity.length).to.equal(72);
    // positions are particle-major, as the hand-written simulator's after the same steps
    const hand = new Mpm2D(opts);
    let a = hand.initialState(
      pos,
      new Float64Array(72).map((_, i) => (i % 2 === 0 ? 0.3 : -0.2)),
    );
    const b = new Float64Array(hand.stateSize);
    for (let t = 0; t < 4; t++) {
      hand.forward(t, a, b);
      a = Float64Array.from(b);
    }
    expect(relErr(mf[2].points, a.subarray(0, 72))).to.be.below(1e-10);
    expect(() => new MpmSegments(mpm, 0)).to.throw(/segment must be a positive integer/);
  });
});

describe('sim factories', () => {
  it('mpm() picks the dimension and massSpring() defaults to the walker robot', async () => {
    const { mpm, massSpring } = await import('../../sim/index.js');
    expect(mpm({ nGrid: 8, nParticles: 2 }).shape).to.deep.equal({ dim: 2, n: 2, snow: false });
    expect(mpm({ nGrid: 8, nParticles: 2, dim: 3 }).dim).to.equal(3);
    expect(() => mpm({ nGrid: 8, nParticles: 2, dim: 4 as 3 })).to.throw(/dim must be 2 or 3, got 4/);
    expect(massSpring().n).to.equal(6);
  });
});
