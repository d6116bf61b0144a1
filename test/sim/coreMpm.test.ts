// The core MLS-MPM (sim/coreMpm) against the hand-written simulator and its hand-written adjoints (test/sim/oracle/mpm, the
// oracle): forward states to ~1e-10 in f64, gradients w.r.t. initial positions and velocities, E, nu and the
// actuation to 1e-6 relative, and central finite differences of the core loss itself.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { Mulberry32 } from '../../core/random.js';
import { reverseThroughTime } from '../../sim/checkpoint.js';
import { Mpm2D } from './oracle/mpm/mpm2d.js';
import { Mpm3D } from './oracle/mpm/mpm3d.js';
import type { MpmMaterial } from './oracle/mpm/materials2d.js';
import type { MpmOptions } from './oracle/mpm/mpmBase.js';
import { scaledErr } from '../support/check.js';
import {
  CoreMpmStepper,
  coreMpm,
  fromParticleMajor,
  mpmRollout,
  packState,
  toParticleMajor,
  type CoreMpm,
} from '../../sim/coreMpm/index.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** [N, d] particle-major -> [d, N] */
const byComponent = (v: Float64Array, dim: number, n: number): fx.Tensor => fx.transpose(fx.tensor(v, [n, dim], 'f64'));
const particleMajor = (t: fx.Tensor): Float64Array => Float64Array.from(fx.transpose(t).dataSync());

interface Case {
  dim: 2 | 3;
  material: MpmMaterial;
  steps: number;
  opts: MpmOptions;
  pos: Float64Array;
  vel: Float64Array;
  act: Float64Array;
  /** loss weights on final x and v, particle-major */
  cx: Float64Array;
  cv: Float64Array;
}

function makeCase(dim: 2 | 3, material: MpmMaterial, seed: number): Case {
  const rng = new Mulberry32(seed);
  const side = dim === 2 ? 5 : 3;
  const n = side ** dim;
  const pos = new Float64Array(dim * n);
  // a jittered lattice block in the middle of the box
  for (let p = 0; p < n; p++) {
    let q = p;
    for (let a = dim - 1; a >= 0; a--) {
      pos[dim * p + a] = 0.4 + ((q % side) + 0.5 + 0.3 * (rng.next() - 0.5)) * (0.2 / side);
      q = Math.floor(q / side);
    }
  }
  const vel = Float64Array.from({ length: dim * n }, () => 0.4 * rng.normal());
  const steps = dim === 2 ? 12 : 6;
  const act = Float64Array.from({ length: steps * n }, () => rng.normal());
  const opts: MpmOptions = {
    nGrid: dim === 2 ? 16 : 10,
    nParticles: n,
    dt: 2e-4,
    E: 400,
    nu: 0.3,
    material,
    actuationStrength: 40,
    boundary: 'sticky',
    // snow clamps (and so exercises its plastic branch) within these few steps only under larger strains
    ...(material === 'snow' ? { thetaS: 1e-3, thetaC: 1e-3 } : {}),
  };
  const cx = Float64Array.from({ length: dim * n }, () => rng.normal());
  const cv = Float64Array.from({ length: dim * n }, () => 0.1 * rng.normal());
  return { dim, material, steps, opts, pos, vel, act, cx, cv };
}

const handWritten = (c: Case): Mpm2D | Mpm3D => (c.dim === 2 ? new Mpm2D(c.opts) : new Mpm3D(c.opts));

/** The oracle: loss, d loss / d (x0, v0), and E, nu, actuation gradients from the hand-written adjoints. */
function oracle(c: Case) {
  const sim = handWritten(c);
  sim.setActuation(c.act);
  const n = sim.n;
  const d = c.dim;
  const loss = (t: number, s: Float64Array, g: Float64Array): number => {
    if (t !== c.steps) return 0;
    let l = 0;
    for (let i = 0; i < d * n; i++) {
      l += c.cx[i] * s[i] + c.cv[i] * s[d * n + i];
      g[i] += c.cx[i];
      g[d * n + i] += c.cv[i];
    }
    return l;
  };
  const r = reverseThroughTime(sim, sim.initialState(c.pos, c.vel), c.steps, loss);
  return {
    loss: r.loss,
    finalState: r.finalState,
    x0: r.initialStateGrad.slice(0, d * n),
    v0: r.initialStateGrad.slice(d * n, 2 * d * n),
    E: sim.grads.E,
    nu: sim.grads.nu,
    act: sim.grads.actuation,
  };
}

/** The same loss as a core program of (x0, v0, E, nu, actuation). */
function coreLoss(c: Case, sim: CoreMpm, segment: number | 'none') {
  const n = sim.shape.n;
  const cx = byComponent(c.cx, c.dim, n);
  const cv = byComponent(c.cv, c.dim, n);
  return (x0: fx.Tensor, v0: fx.Tensor, E: fx.Tensor, nu: fx.Tensor, act: fx.Tensor): fx.Tensor => {
    const s = mpmRollout(sim, sim.initialState(x0, v0), { E, nu, actuation: act }, c.steps, { segment });
    return fx.add(fx.sum(fx.mul(cx, s.x)), fx.sum(fx.mul(cv, s.v)));
  };
}

function coreArgs(c: Case, sim: CoreMpm): [fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor] {
  const n = sim.shape.n;
  const { E, nu } = sim.params();
  return [byComponent(c.pos, c.dim, n), byComponent(c.vel, c.dim, n), E, nu, fx.tensor(c.act, [c.steps, n], 'f64')];
}

const cases: Case[] = [
  ...(['fixedCorotated', 'neoHookean', 'fluid', 'snow'] as const).map((m, i) => makeCase(2, m, 10 + i)),
  ...(['fixedCorotated', 'neoHookean', 'fluid'] as const).map((m, i) => makeCase(3, m, 20 + i)),
];

describe('sim/coreMpm: MLS-MPM on the autodiff core vs the hand-written simulator', () => {
  for (const c of cases) {
    describe(`${c.dim}D ${c.material}`, () => {
      const sim = coreMpm({ ...c.opts, dim: c.dim });
      const want = oracle(c);

      it('forward: the jitted step reproduces the hand-written states (1e-10, f64)', () => {
        const hw = handWritten(c);
        hw.setActuation(c.act);
        const step = fx.jit(sim.step);
        let s = hw.initialState(c.pos, c.vel);
        let st = fromParticleMajor(s, sim.shape);
        const n = sim.shape.n;
        for (let t = 0; t < c.steps; t++) {
          const out = new Float64Array(hw.stateSize);
          hw.forward(t, s, out);
          s = out;
          st = step(st, { ...sim.params(), actuation: fx.tensor(c.act.slice(t * n, (t + 1) * n), [n], 'f64') });
        }
        expect(scaledErr(toParticleMajor(st), s)).to.be.below(1e-10);
        if (c.material === 'snow') {
          // the test must reach the plastic branch: some Jp moved away from 1
          const jp = st.Jp?.dataSync() ?? [];
          expect(Math.max(...Array.from(jp, (j) => Math.abs(j - 1)))).to.be.above(1e-6);
        }
      });

      it('fx.grad of a checkpointed rollout matches the hand-written adjoints (1e-6) and central differences', () => {
        const f = coreLoss(c, sim, 4);
        const args = coreArgs(c, sim);
        const [value, g] = fx.valueAndGrad(f, [0, 1, 2, 3, 4])(...args) as [fx.Tensor, fx.Tensor[]];
        expect(rel(value.item(), want.loss)).to.be.below(1e-10);
        expect(scaledErr(particleMajor(g[0]), want.x0)).to.be.below(1e-6);
        expect(scaledErr(particleMajor(g[1]), want.v0)).to.be.below(1e-6);
        expect(rel(g[2].item(), want.E)).to.be.below(1e-6);
        expect(rel(g[3].item(), want.nu)).to.be.below(1e-6);
        expect(scaledErr(g[4].dataSync(), want.act)).to.be.below(1e-6);
        // central differences of the core loss along E, nu and one seeded direction of (x0, v0)
        const rng = new Mulberry32(7);
        const dirX = fx.tensor(
          Float64Array.from({ length: args[0].size }, () => rng.normal()),
          args[0].shape,
          'f64',
        );
        const dirV = fx.tensor(
          Float64Array.from({ length: args[1].size }, () => rng.normal()),
          args[1].shape,
          'f64',
        );
        const at = (hx: number, hE: number, hNu: number): number =>
          f(
            fx.add(args[0], fx.mul(dirX, hx)),
            fx.add(args[1], fx.mul(dirV, hx)),
            fx.add(args[2], hE),
            fx.add(args[3], hNu),
            args[4],
          ).item();
        const central = (h: [number, number, number]) => (at(...h) - at(-h[0], -h[1], -h[2])) / 2;
        const hx = 1e-6;
        const dirGrad = fx.add(fx.sum(fx.mul(g[0], dirX)), fx.sum(fx.mul(g[1], dirV))).item();
        expect(rel(central([hx, 0, 0]) / hx, dirGrad)).to.be.below(1e-5);
        expect(rel(central([0, 1e-2, 0]) / 1e-2, g[2].item())).to.be.below(1e-5);
        expect(rel(central([0, 0, 1e-4]) / 1e-4, g[3].item())).to.be.below(1e-5);
      });
    });
  }

  describe('walls', () => {
    // a block in the wall layer of the lower-left corner, thrown into the corner: the boundary rule acts on most nodes
    const wallCase = (boundary: 'sticky' | 'slip' | 'none'): Case => {
      const c = makeCase(2, 'fixedCorotated', 30);
      for (let p = 0; p < c.pos.length; p++) c.pos[p] = 0.1 + (c.pos[p] - 0.4) * 0.5;
      for (let p = 0; p < c.vel.length; p++) c.vel[p] = -1 + 0.2 * c.vel[p];
      return { ...c, opts: { ...c.opts, boundary } };
    };
    const finals = new Map<string, Float64Array>();
    for (const boundary of ['sticky', 'slip', 'none'] as const) {
      it(`${boundary}: states and gradients match the hand-written simulator`, () => {
        const c = wallCase(boundary);
        const sim = coreMpm({ ...c.opts, dim: 2 });
        const want = oracle(c);
        finals.set(boundary, want.finalState);
        const [value, g] = fx.valueAndGrad(coreLoss(c, sim, 4), [0, 1, 2, 3, 4])(...coreArgs(c, sim)) as [fx.Tensor, fx.Tensor[]];
        expect(rel(value.item(), want.loss)).to.be.below(1e-10);
        expect(scaledErr(particleMajor(g[0]), want.x0)).to.be.below(1e-6);
        expect(scaledErr(particleMajor(g[1]), want.v0)).to.be.below(1e-6);
        expect(rel(g[2].item(), want.E)).to.be.below(1e-6);
        expect(rel(g[3].item(), want.nu)).to.be.below(1e-6);
        expect(scaledErr(g[4].dataSync(), want.act)).to.be.below(1e-6);
      });
    }
    it('the three rules give different motions here (the walls are reached)', () => {
      const [a, b, c] = ['sticky', 'slip', 'none'].map((k) => finals.get(k) as Float64Array);
      expect(scaledErr(a, b)).to.be.above(1e-4);
      expect(scaledErr(b, c)).to.be.above(1e-4);
    });
  });

  describe('rollout drivers', () => {
    const c = cases[1]; // 2D neoHookean
    const sim = coreMpm({ ...c.opts, dim: c.dim });
    const want = oracle(c);

    it('fx.jit(fx.grad(...)) and the unsegmented rollout give the checkpointed gradient', () => {
      const args = coreArgs(c, sim);
      const g = fx.grad(coreLoss(c, sim, 4), [0, 1, 2, 3, 4])(...args) as fx.Tensor[];
      const plain = fx.grad(coreLoss(c, sim, 'none'), [0, 1, 2, 3, 4])(...args) as fx.Tensor[];
      const jitted = fx.jit(fx.grad(coreLoss(c, sim, 3), [0, 1, 2, 3, 4]))(...args) as fx.Tensor[];
      g.forEach((t, k) => {
        expect(scaledErr(plain[k].dataSync(), t.dataSync())).to.be.below(1e-12, `input ${k} unsegmented`);
        expect(scaledErr(jitted[k].dataSync(), t.dataSync())).to.be.below(1e-12, `input ${k} jitted`);
      });
    });

    for (const dc of [c, cases[4]]) {
      it(`${dc.dim}D: the host-driven stepper (jitted step and step vjp) under reverseThroughTime matches the oracle, 'sqrt' = 'all' bit for bit`, () => {
        const s = coreMpm({ ...dc.opts, dim: dc.dim });
        const o = dc === c ? want : oracle(dc);
        const n = s.shape.n;
        const d = dc.dim;
        const stepper = new CoreMpmStepper(s);
        stepper.setActuation(dc.act);
        // the loss weights in the stepper's component-major layout
        const cx = byComponent(dc.cx, d, n).dataSync();
        const cv = byComponent(dc.cv, d, n).dataSync();
        const loss = (t: number, st: Float64Array, gr: Float64Array): number => {
          if (t !== dc.steps) return 0;
          let l = 0;
          for (let i = 0; i < d * n; i++) {
            l += cx[i] * st[i] + cv[i] * st[d * n + i];
            gr[i] += cx[i];
            gr[d * n + i] += cv[i];
          }
          return l;
        };
        const s0 = packState(fromParticleMajor(handWritten(dc).initialState(dc.pos, dc.vel), s.shape)).dataSync() as Float64Array;
        const runs = (['all', 'sqrt'] as const).map((mode) => {
          stepper.resetGrads();
          const r = reverseThroughTime(stepper, s0, dc.steps, loss, mode);
          return { r, E: stepper.grads.E, nu: stepper.grads.nu, act: stepper.grads.actuation.slice() };
        });
        expect(runs[1].r.initialStateGrad).to.deep.equal(runs[0].r.initialStateGrad);
        expect(runs[1].act).to.deep.equal(runs[0].act);
        const [{ r, E, nu, act }] = runs;
        expect(rel(r.loss, o.loss)).to.be.below(1e-10);
        const gx = fx.tensor(r.initialStateGrad.slice(0, d * n), [d, n], 'f64');
        const gv = fx.tensor(r.initialStateGrad.slice(d * n, 2 * d * n), [d, n], 'f64');
        expect(scaledErr(particleMajor(gx), o.x0)).to.be.below(1e-6);
        expect(scaledErr(particleMajor(gv), o.v0)).to.be.below(1e-6);
        expect(rel(E, o.E)).to.be.below(1e-6);
        expect(rel(nu, o.nu)).to.be.below(1e-6);
        expect(scaledErr(act, o.act)).to.be.below(1e-6);
      });
    }
  });
});
