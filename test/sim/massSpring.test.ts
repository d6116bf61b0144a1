import { expect } from 'chai';
import { MassSpringSim } from './oracle/massSpring.js';
import { defaultRobot } from '../../sim/massSpring/robot.js';
import { walkLossAndGrad, walkDistance, trainWalk } from './oracle/walk.js';
import { Mulberry32 } from '../../core/random.js';

// the hand-written simulator is the oracle of the core program (massSpringCore.test.ts): check it on its own first
describe('sim/massSpring hand-written oracle', () => {
  it('controller-weight gradient matches central finite differences over 150 steps', () => {
    for (const friction of [Infinity, 1.5]) {
      const sim = new MassSpringSim(defaultRobot(), { friction });
      sim.model.springs.damping.fill(2);
      const p = sim.initController(3);
      const steps = 150;
      const { grad } = walkLossAndGrad(sim, p, steps);
      const rng = new Mulberry32(11);
      // a random direction plus a few single coordinates
      const dirs: Float64Array[] = [];
      const d = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) d[i] = rng.normal();
      dirs.push(d);
      for (const idx of [0, 7, p.length - 1, p.length - 20]) {
        const e = new Float64Array(p.length);
        e[idx] = 1;
        dirs.push(e);
      }
      for (const dir of dirs) {
        const h = 1e-6;
        const pp = p.map((v, i) => v + h * dir[i]);
        const pm = p.map((v, i) => v - h * dir[i]);
        const fd = (-walkDistance(sim, pp, steps) + walkDistance(sim, pm, steps)) / (2 * h);
        let an = 0;
        for (let i = 0; i < p.length; i++) an += grad[i] * dir[i];
        expect(Math.abs(fd - an) / Math.max(Math.abs(fd), 1e-6)).to.be.lessThan(1e-3);
      }
    }
  });

  it('sqrt checkpointing gives the same gradient as storing every state', () => {
    const sim = new MassSpringSim(defaultRobot());
    const p = sim.initController(5);
    const a = walkLossAndGrad(sim, p, 200, 'all');
    const b = walkLossAndGrad(sim, p, 200, 'sqrt');
    expect(b.loss).to.equal(a.loss);
    for (let i = 0; i < a.grad.length; i++) expect(b.grad[i]).to.equal(a.grad[i]);
  });

  it('a resting robot without actuation stays on the ground (no sinking, no drift)', () => {
    const model = defaultRobot();
    model.springs.actuation.fill(0);
    const sim = new MassSpringSim(model);
    const d = walkDistance(sim, sim.initController(1), 300);
    expect(Math.abs(d)).to.be.lessThan(1e-3);
  });

  it('Adam training improves walking distance >= 5x (short run)', function () {
    this.timeout(60000);
    const sim = new MassSpringSim(defaultRobot());
    const r = trainWalk(sim, { steps: 400, iterations: 40, lr: 0.003, seed: 0 });
    expect(r.finalDistance).to.be.greaterThan(0);
    expect(r.finalDistance).to.be.greaterThan(5 * Math.abs(r.initialDistance));
  });

  it('rejects params of the wrong length', () => {
    const sim = new MassSpringSim(defaultRobot());
    expect(() => walkDistance(sim, new Float64Array(3), 10)).to.throw(/params has length 3/);
  });
});
