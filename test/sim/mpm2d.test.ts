import { expect } from 'chai';
import { Mpm2D } from './oracle/mpm/mpm2d.js';
import type { MpmOptions } from './oracle/mpm/mpmBase.js';
import { reverseThroughTime, rollout } from '../../sim/checkpoint.js';
import { Mulberry32 } from '../../core/random.js';
import { snowPlasticity2, snowPlasticity2Backward } from './oracle/mpm/materials2d.js';

/** Particles on a jittered lattice filling [x0, x0 + w] x [y0, y0 + h]. */
function block(nx: number, ny: number, x0: number, y0: number, w: number, h: number, seed: number): Float64Array {
  const rng = new Mulberry32(seed);
  const out = new Float64Array(2 * nx * ny);
  let k = 0;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      out[k++] = x0 + ((i + 0.5 + 0.3 * (rng.next() - 0.5)) * w) / nx;
      out[k++] = y0 + ((j + 0.5 + 0.3 * (rng.next() - 0.5)) * h) / ny;
    }
  return out;
}

/** Final-state loss sum_p c_p . x_p + 0.1 * d_p . v_p with seeded weights. */
function makeLoss(n: number, steps: number, seed: number) {
  const rng = new Mulberry32(seed);
  const cx = Float64Array.from({ length: 2 * n }, () => rng.normal());
  const cv = Float64Array.from({ length: 2 * n }, () => 0.1 * rng.normal());
  return (t: number, s: Float64Array, g: Float64Array): number => {
    if (t !== steps) return 0;
    let l = 0;
    for (let i = 0; i < 2 * n; i++) {
      l += cx[i] * s[i] + cv[i] * s[2 * n + i];
      g[i] += cx[i];
      g[2 * n + i] += cv[i];
    }
    return l;
  };
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('oracle: hand-written MPM 2D', () => {
  const steps = 120;
  const pos = block(10, 10, 0.3, 0.3, 0.3, 0.3, 1);
  const n = pos.length / 2;
  const baseOpts: MpmOptions = { nGrid: 16, nParticles: n, dt: 2e-4, E: 400, nu: 0.3, gravity: -9.8 };
  const rng = new Mulberry32(2);
  const vel = Float64Array.from({ length: 2 * n }, () => 0.5 + 0.3 * rng.normal());

  for (const material of ['fixedCorotated', 'neoHookean', 'fluid'] as const) {
    it(`${material}: gradients w.r.t. initial velocity, E, nu and actuation match central differences over ${steps} steps`, () => {
      const mk = (E = 400, nu = 0.3) => new Mpm2D({ ...baseOpts, material, E, nu, boundary: 'sticky' });
      const sim = mk();
      const act = Float64Array.from({ length: steps * n }, () => 0);
      sim.opts.actuationStrength = 50;
      sim.setActuation(act);
      const loss = makeLoss(n, steps, 3);
      const run = (s: Mpm2D, v: Float64Array) => reverseThroughTime(s, s.initialState(pos, v), steps, loss).loss;
      sim.resetGrads();
      const r = reverseThroughTime(sim, sim.initialState(pos, vel), steps, loss);
      const h = 1e-6;
      // initial velocity along a random direction
      const dir = Float64Array.from({ length: 2 * n }, () => rng.normal());
      const vp = vel.map((v, i) => v + h * dir[i]),
        vm = vel.map((v, i) => v - h * dir[i]);
      const fd = (run(mk(), vp) - run(mk(), vm)) / (2 * h);
      let an = 0;
      for (let i = 0; i < 2 * n; i++) an += r.initialStateGrad[2 * n + i] * dir[i];
      expect(relErr(an, fd)).to.be.lessThan(1e-3);
      // E and nu
      const hE = 1e-3;
      const fdE = (run(mk(400 + hE), vel) - run(mk(400 - hE), vel)) / (2 * hE);
      expect(relErr(sim.grads.E, fdE)).to.be.lessThan(1e-3);
      const hn = 1e-6;
      const fdNu = (run(mk(400, 0.3 + hn), vel) - run(mk(400, 0.3 - hn), vel)) / (2 * hn);
      expect(relErr(sim.grads.nu, fdNu)).to.be.lessThan(1e-3);
      // actuation at one (t, p) and along a random direction
      if (material !== 'fluid') {
        const da = Float64Array.from({ length: steps * n }, () => rng.normal());
        const runA = (sgn: number) => {
          const s = mk();
          s.opts.actuationStrength = 50;
          s.setActuation(act.map((a, i) => a + sgn * h * da[i]));
          return run(s, vel);
        };
        const fdA = (runA(1) - runA(-1)) / (2 * h);
        let anA = 0;
        for (let i = 0; i < da.length; i++) anA += sim.grads.actuation[i] * da[i];
        expect(relErr(anA, fdA)).to.be.lessThan(1e-3);
      }
    });
  }

  it('gradient w.r.t. initial positions matches finite differences (fixedCorotated, slip walls)', () => {
    const sim = new Mpm2D({ ...baseOpts, boundary: 'slip' });
    const loss = makeLoss(n, steps, 4);
    const r = reverseThroughTime(sim, sim.initialState(pos, vel), steps, loss);
    const dir = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const h = 1e-7;
    const run = (x: Float64Array) => reverseThroughTime(sim, sim.initialState(x, vel), steps, loss).loss;
    const fd = (run(pos.map((v, i) => v + h * dir[i])) - run(pos.map((v, i) => v - h * dir[i]))) / (2 * h);
    let an = 0;
    for (let i = 0; i < 2 * n; i++) an += r.initialStateGrad[i] * dir[i];
    expect(relErr(an, fd)).to.be.lessThan(1e-3);
  });

  it('sqrt checkpointing reproduces the stored-everything gradient exactly', () => {
    const sim = new Mpm2D(baseOpts);
    const loss = makeLoss(n, 50, 5);
    const a = reverseThroughTime(sim, sim.initialState(pos, vel), 50, loss, 'all');
    const ea = sim.grads.E;
    sim.resetGrads();
    const b = reverseThroughTime(sim, sim.initialState(pos, vel), 50, loss, 'sqrt');
    expect(sim.grads.E).to.equal(ea);
    for (let i = 0; i < a.initialStateGrad.length; i++) expect(b.initialStateGrad[i]).to.equal(a.initialStateGrad[i]);
  });

  it('conserves mass exactly and linear momentum to round-off without gravity and walls', () => {
    const sim = new Mpm2D({ ...baseOpts, gravity: 0, boundary: 'none', E: 1000 });
    const spin = new Float64Array(2 * n);
    for (let p = 0; p < n; p++) {
      spin[2 * p] = -(pos[2 * p + 1] - 0.45) * 5 + 0.3;
      spin[2 * p + 1] = (pos[2 * p] - 0.45) * 5 - 0.2;
    }
    const s0 = sim.initialState(pos, spin);
    const mom = (s: Float64Array) => {
      let px = 0,
        py = 0;
      for (let p = 0; p < n; p++) {
        px += sim.pMass * s[2 * n + 2 * p];
        py += sim.pMass * s[2 * n + 2 * p + 1];
      }
      return [px, py];
    };
    const [px0, py0] = mom(s0);
    let maxMassErr = 0,
      maxMomErr = 0;
    rollout(sim, s0, 100, (t, s) => {
      if (t === 0) return;
      let gmSum = 0;
      for (const v of sim.gm) gmSum += v;
      maxMassErr = Math.max(maxMassErr, Math.abs(gmSum - n * sim.pMass) / (n * sim.pMass));
      const [px, py] = mom(s);
      maxMomErr = Math.max(maxMomErr, Math.hypot(px - px0, py - py0) / Math.hypot(px0, py0));
    });
    expect(maxMassErr).to.be.lessThan(1e-13);
    expect(maxMomErr).to.be.lessThan(1e-12);
  });

  it('elastic block: energy stays bounded (no blow-up) with numerical dissipation that shrinks on a finer grid', () => {
    // Pre-stretched neo-Hookean block (F = diag(1.05, 0.97)), no gravity or walls, 0.04 s.
    const lossAt = (nGrid: number, k: number, dt: number): { max: number; end: number } => {
      const p0 = block(k, k, 0.3, 0.3, 0.3, 0.3, 9);
      const m = k * k;
      const sim = new Mpm2D({ nGrid, nParticles: m, dt, E: 1000, nu: 0.3, gravity: 0, boundary: 'none', material: 'neoHookean' });
      const s0 = sim.initialState(p0);
      for (let p = 0; p < m; p++) {
        s0[2 * p] = 0.45 + (p0[2 * p] - 0.45) * 1.05;
        s0[2 * p + 1] = 0.45 + (p0[2 * p + 1] - 0.45) * 0.97;
        s0[8 * m + 4 * p] = 1.05;
        s0[8 * m + 4 * p + 3] = 0.97;
      }
      const mu = 1000 / 2.6,
        lambda = (1000 * 0.3) / (1.3 * 0.4);
      const energy = (s: Float64Array) => {
        let e = 0;
        for (let p = 0; p < m; p++) {
          const f = 8 * m + 4 * p;
          const a = s[f],
            b = s[f + 1],
            c = s[f + 2],
            d = s[f + 3];
          const lj = Math.log(a * d - b * c);
          e += sim.opts.particleVolume * (0.5 * mu * (a * a + b * b + c * c + d * d - 2) - mu * lj + 0.5 * lambda * lj * lj);
          e += 0.5 * sim.pMass * (s[2 * m + 2 * p] ** 2 + s[2 * m + 2 * p + 1] ** 2);
        }
        return e;
      };
      const e0 = energy(s0);
      let max = 0,
        end = 0;
      rollout(sim, s0, Math.round(0.04 / dt), (_t, s) => {
        end = energy(s) / e0;
        max = Math.max(max, end);
      });
      return { max, end };
    };
    const coarse = lossAt(16, 10, 2e-4);
    const fine = lossAt(32, 20, 1e-4);
    for (const r of [coarse, fine]) {
      expect(r.max).to.be.lessThan(1.01); // never gains energy beyond round-off of the explicit step
      expect(r.end).to.be.lessThan(1);
      expect(r.end).to.be.greaterThan(0.4); // measured 0.55 (16^2) and 0.62 (32^2)
    }
    expect(fine.end).to.be.greaterThan(coarse.end);
  });

  it('snow plasticity keeps singular values of F inside the clamp and hardens Jp', () => {
    const sim = new Mpm2D({ ...baseOpts, material: 'snow', E: 2000, boundary: 'sticky' });
    const down = new Float64Array(2 * n).map((_, i) => (i % 2 === 1 ? -3 : 0));
    const sT = rollout(sim, sim.initialState(pos, down), 400);
    let minJp = Infinity,
      maxJp = -Infinity;
    for (let p = 0; p < n; p++) {
      const f = 8 * n + 4 * p;
      const a = sT[f],
        b = sT[f + 1],
        c = sT[f + 2],
        d = sT[f + 3];
      // singular values of a 2x2 matrix from its invariants
      const q = a * a + b * b + c * c + d * d,
        det = a * d - b * c;
      const disc = Math.sqrt(Math.max(q * q - 4 * det * det, 0));
      const s1 = Math.sqrt((q + disc) / 2),
        s2 = Math.sqrt(Math.max((q - disc) / 2, 0));
      expect(s1).to.be.at.most(1 + 4.5e-3 + 1e-12);
      expect(s2).to.be.at.least(1 - 2.5e-2 - 1e-12);
      minJp = Math.min(minJp, sT[12 * n + p]);
      maxJp = Math.max(maxJp, sT[12 * n + p]);
    }
    expect(minJp).to.be.lessThan(0.999); // compacted on impact: plastic flow happened
    expect(Number.isFinite(maxJp)).to.equal(true);
  });

  it("snow plasticity adjoint: the clamp's cotangents match central differences, clamped and unclamped", () => {
    const r = new Mulberry32(5);
    // one unclamped F (identity map), one with sig0 above 1 + thetaS, one with both singular values clamped
    for (const [F, Jp] of [
      [[1.001, 0.002, -0.001, 0.999], 1],
      [[1.01, 0.002, -0.003, 0.97], 1],
      [[0.96, 0.02, 0.01, 1.02], 1.1],
    ] as const) {
      const fb = [r.normal(), r.normal(), r.normal(), r.normal()],
        jb = r.normal();
      const f = (Fv: readonly number[], J: number): number => {
        const a = Float64Array.from(Fv);
        const jn = snowPlasticity2(a, 0, J, 2.5e-2, 4.5e-3);
        return a[0] * fb[0] + a[1] * fb[1] + a[2] * fb[2] + a[3] * fb[3] + jn * jb;
      };
      const gb = new Float64Array(4);
      const jpb = snowPlasticity2Backward(Float64Array.from(F), 0, Jp, 2.5e-2, 4.5e-3, fb, jb, gb, 0);
      const h = 1e-7;
      const shift = (k: number, d: number) => F.map((v, i) => (i === k ? v + d : v));
      for (let k = 0; k < 4; k++) expect(gb[k]).to.be.closeTo((f(shift(k, h), Jp) - f(shift(k, -h), Jp)) / (2 * h), 1e-6);
      expect(jpb).to.be.closeTo((f(F, Jp + h) - f(F, Jp - h)) / (2 * h), 1e-6);
    }
  });

  it(`snow: gradients w.r.t. initial velocity, E and nu through impact and plastic flow match central differences over 150 steps`, () => {
    const steps = 150;
    const low = block(10, 10, 0.3, 0.1, 0.3, 0.3, 1);
    const mk = (E = 2000, nu = 0.3) => new Mpm2D({ ...baseOpts, nParticles: low.length / 2, material: 'snow', E, nu, boundary: 'sticky' });
    const r = new Mulberry32(2);
    const v0 = Float64Array.from({ length: low.length }, (_, i) => (i % 2 ? -3 : 0.3) + 0.1 * r.normal());
    const loss = makeLoss(low.length / 2, steps, 4);
    const run = (s: Mpm2D, v: Float64Array) => reverseThroughTime(s, s.initialState(low, v), steps, loss).loss;
    const sim = mk();
    sim.resetGrads();
    const res = reverseThroughTime(sim, sim.initialState(low, v0), steps, loss);
    const sT = rollout(mk(), mk().initialState(low, v0), steps);
    expect(Math.min(...sT.subarray(12 * (low.length / 2)))).to.be.lessThan(0.97); // plastic compaction happened
    const dir = Float64Array.from({ length: low.length }, () => r.normal());
    const h = 1e-5;
    const fd =
      (run(
        mk(),
        v0.map((v, i) => v + h * dir[i]),
      ) -
        run(
          mk(),
          v0.map((v, i) => v - h * dir[i]),
        )) /
      (2 * h);
    const an = dir.reduce((acc, d, i) => acc + d * res.initialStateGrad[low.length + i], 0);
    expect(relErr(an, fd)).to.be.lessThan(1e-3);
    const hE = 1e-3;
    expect(relErr(sim.grads.E, (run(mk(2000 + hE), v0) - run(mk(2000 - hE), v0)) / (2 * hE))).to.be.lessThan(1e-3);
    const hn = 1e-6;
    expect(relErr(sim.grads.nu, (run(mk(2000, 0.3 + hn), v0) - run(mk(2000, 0.3 - hn), v0)) / (2 * hn))).to.be.lessThan(1e-3);
  });

  it('rejects bad options and particles outside the grid', () => {
    expect(() => new Mpm2D({ nGrid: 2, nParticles: 1 })).to.throw(/nGrid/);
    expect(() => new Mpm2D({ nGrid: 16, nParticles: 1, nu: 0.5 })).to.throw(/Poisson ratio nu/);
    const sim = new Mpm2D({ nGrid: 16, nParticles: 1 });
    const s = sim.initialState(Float64Array.from([0.001, 0.5]));
    expect(() => rollout(sim, s, 1)).to.throw(/left the grid/);
  });
});
