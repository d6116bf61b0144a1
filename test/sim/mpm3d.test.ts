import { expect } from 'chai';
import { Mpm3D } from './oracle/mpm/mpm3d.js';
import { reverseThroughTime, rollout } from '../../sim/checkpoint.js';
import { Mulberry32 } from '../../core/random.js';

function block3(k: number, x0: number, w: number, seed: number): Float64Array {
  const rng = new Mulberry32(seed);
  const out = new Float64Array(3 * k * k * k);
  let q = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      for (let l = 0; l < k; l++) {
        for (const c of [i, j, l]) out[q++] = x0 + ((c + 0.5 + 0.3 * (rng.next() - 0.5)) * w) / k;
      }
  return out;
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('oracle: hand-written MPM 3D', () => {
  const steps = 100;
  const pos = block3(4, 0.35, 0.25, 1);
  const n = pos.length / 3;
  const rng = new Mulberry32(7);
  const vel = Float64Array.from({ length: 3 * n }, () => 0.4 * rng.normal());
  const cx = Float64Array.from({ length: 3 * n }, () => rng.normal());
  const loss = (t: number, s: Float64Array, g: Float64Array): number => {
    if (t !== steps) return 0;
    let l = 0;
    for (let i = 0; i < 3 * n; i++) {
      l += cx[i] * s[i] + 0.1 * cx[i] * s[3 * n + i];
      g[i] += cx[i];
      g[3 * n + i] += 0.1 * cx[i];
    }
    return l;
  };

  for (const material of ['fixedCorotated', 'neoHookean', 'fluid'] as const) {
    it(`${material}: gradients w.r.t. initial velocity/positions, E, nu and actuation match central differences over ${steps} steps`, function () {
      this.timeout(60000);
      const mk = (E = 300, nu = 0.3) => {
        const s = new Mpm3D({
          nGrid: 10,
          nParticles: n,
          dt: 3e-4,
          E,
          nu,
          material,
          gravity: -9.8,
          boundary: 'slip',
          actuationStrength: 30,
        });
        return s;
      };
      const act = new Float64Array(steps * n);
      const sim = mk();
      sim.setActuation(act);
      const r = reverseThroughTime(sim, sim.initialState(pos, vel), steps, loss, 'sqrt');
      const run = (s: Mpm3D, x: Float64Array, v: Float64Array) => reverseThroughTime(s, s.initialState(x, v), steps, loss).loss;
      const h = 1e-6;
      const dv = Float64Array.from({ length: 3 * n }, () => rng.normal());
      const fdV =
        (run(
          mk(),
          pos,
          vel.map((v, i) => v + h * dv[i]),
        ) -
          run(
            mk(),
            pos,
            vel.map((v, i) => v - h * dv[i]),
          )) /
        (2 * h);
      let anV = 0,
        anX = 0;
      for (let i = 0; i < 3 * n; i++) {
        anV += r.initialStateGrad[3 * n + i] * dv[i];
        anX += r.initialStateGrad[i] * dv[i];
      }
      expect(relErr(anV, fdV)).to.be.lessThan(1e-3);
      const hx = 1e-7;
      const fdX =
        (run(
          mk(),
          pos.map((v, i) => v + hx * dv[i]),
          vel,
        ) -
          run(
            mk(),
            pos.map((v, i) => v - hx * dv[i]),
            vel,
          )) /
        (2 * hx);
      expect(relErr(anX, fdX)).to.be.lessThan(1e-3);
      const fdE = (run(mk(300 + 1e-3), pos, vel) - run(mk(300 - 1e-3), pos, vel)) / 2e-3;
      expect(relErr(sim.grads.E, fdE)).to.be.lessThan(1e-3);
      const fdNu = (run(mk(300, 0.3 + h), pos, vel) - run(mk(300, 0.3 - h), pos, vel)) / (2 * h);
      expect(relErr(sim.grads.nu, fdNu)).to.be.lessThan(1e-3);
      if (material !== 'fluid') {
        const da = Float64Array.from({ length: steps * n }, () => rng.normal());
        const runA = (sg: number) => {
          const s = mk();
          s.setActuation(act.map((a, i) => a + sg * h * da[i]));
          return run(s, pos, vel);
        };
        const fdA = (runA(1) - runA(-1)) / (2 * h);
        let anA = 0;
        for (let i = 0; i < da.length; i++) anA += sim.grads.actuation[i] * da[i];
        expect(relErr(anA, fdA)).to.be.lessThan(1e-3);
      }
    });
  }

  it('conserves mass exactly and momentum to round-off without gravity and walls', () => {
    const sim = new Mpm3D({ nGrid: 12, nParticles: n, dt: 3e-4, E: 300, gravity: 0, boundary: 'none' });
    const s0 = sim.initialState(pos, vel);
    const mom = (s: Float64Array) =>
      [0, 1, 2].map((a) => {
        let m = 0;
        for (let p = 0; p < n; p++) m += sim.pMass * s[3 * n + 3 * p + a];
        return m;
      });
    const m0 = mom(s0);
    let massErr = 0,
      momErr = 0;
    rollout(sim, s0, 60, (t, s) => {
      if (t === 0) return;
      let gs = 0;
      for (const v of sim.gm) gs += v;
      massErr = Math.max(massErr, Math.abs(gs - n * sim.pMass) / (n * sim.pMass));
      const m = mom(s);
      momErr = Math.max(momErr, Math.hypot(m[0] - m0[0], m[1] - m0[1], m[2] - m0[2]) / Math.hypot(...m0));
    });
    expect(massErr).to.be.lessThan(1e-13);
    expect(momErr).to.be.lessThan(1e-12);
  });

  it('rejects snow in 3D and positions of the wrong length', () => {
    expect(() => new Mpm3D({ nGrid: 8, nParticles: 1, material: 'snow' })).to.throw(/only implemented in 2D/);
    const sim = new Mpm3D({ nGrid: 8, nParticles: 2 });
    expect(() => sim.initialState(new Float64Array(3))).to.throw(/expected 6/);
  });
});
