import { expect } from 'chai';
import { blockParticles2D, hitTarget, identifyYoungsModulus, observeTrajectory } from '../../sim/mpm/tasks.js';
import { Mpm2D } from '../../sim/mpm/mpm2d.js';
import { MassSpringProgram } from '../../sim/massSpring/coreStep.js';
import { SegmentRunner } from '../../sim/massSpring/coreRollout.js';
import { defaultRobot } from '../../sim/massSpring/robot.js';
import { massSpringFrames, mpmFrames } from '../../sim/frames.js';

describe('sim tasks and frames', () => {
  const pos = blockParticles2D(6, 6, 0.25, 0.25, 0.15, 0.15);
  const opts = { nGrid: 16, nParticles: 36, dt: 4e-4, E: 400, nu: 0.3, gravity: -9.8 };

  it('MPM soft body hits a target by optimising its initial velocity (loss drops > 100x)', () => {
    const r = hitTarget(opts, pos, [0.55, 0.4], { steps: 250, iterations: 25, lr: 0.3 });
    const first = r.history[0],
      last = r.history[r.history.length - 1];
    expect(last).to.be.lessThan(first / 100);
  });

  it("material identification recovers Young's modulus from an observed trajectory (within 1%)", () => {
    const vel = new Float64Array(72).map((_, i) => (i % 2 === 0 ? 0.5 : -1.5));
    const obs = observeTrajectory(opts, pos, vel, 300, 20);
    const r = identifyYoungsModulus(opts, pos, vel, obs, { steps: 300, iterations: 30, E0: 250, observeEvery: 20 });
    expect(Math.abs(r.E - 400) / 400).to.be.lessThan(0.01);
    expect(r.history[r.history.length - 1].loss).to.be.lessThan(r.history[0].loss * 1e-3);
  });

  it('frames carry positions, springs and point data of the right sizes', () => {
    const sim = new MassSpringProgram(defaultRobot());
    const f = massSpringFrames(new SegmentRunner(sim, 5), sim.initController(0).dataSync() as Float64Array, 10)[0];
    expect(f.map((x) => x.step)).to.deep.equal([0, 5, 10]);
    expect(f[0].points.length).to.equal(2 * sim.n);
    expect(f[0].lines?.length).to.equal(2 * sim.nSprings);
    expect(Array.from(f[0].points)).to.deep.equal(Array.from(defaultRobot().positions));
    const mpm = new Mpm2D(opts);
    const mf = mpmFrames(mpm, 2, mpm.initialState(pos), 4, 2);
    expect(mf.length).to.equal(3);
    expect(mf[0].pointData.J[0]).to.equal(1);
    expect(mf[2].pointData.velocity.length).to.equal(72);
    expect(() => mpmFrames(mpm, 2, mpm.initialState(pos), 4, 0)).to.throw(/every must be a positive integer/);
  });
});

describe('sim factories', () => {
  it('mpm() picks the dimension and massSpring() defaults to the walker robot', async () => {
    const { mpm, massSpring, Mpm3D: M3 } = await import('../../sim/index.js');
    expect(mpm({ nGrid: 8, nParticles: 2 }).stateSize).to.equal(24);
    expect(mpm({ nGrid: 8, nParticles: 2, dim: 3 })).to.be.instanceOf(M3);
    expect(() => mpm({ nGrid: 8, nParticles: 2, dim: 4 as 3 })).to.throw(/dim must be 2 or 3, got 4/);
    expect(massSpring().n).to.equal(6);
  });
});
