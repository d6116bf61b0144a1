// The learned constitutive law (sim/coreMpm/neuralMaterial.ts) and its training through the core MPM: frame
// indifference and zero rest stress against exact identities, P = d psi / d F against central differences of the
// energy, rollout gradients in theta against central differences, and a seeded training run that must cut the loss.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { Mulberry32 } from '../../core/random.js';
import { bodyParticles } from '../../sim/coreMpm/bodies.js';
import { coreMpm, neuralElasticity, neuralPlasticity, polar2 } from '../../sim/coreMpm/index.js';
import {
  fitNeuralMaterial,
  frameRollout,
  observeFrames,
  trajectoryLoss,
  trajectoryValueAndGrad,
  type Observation,
} from '../../sim/coreMpm/learnMaterial.js';
import { ParticleLeftGridError } from '../../sim/mpmOptions.js';
import { det, matMul, matMulNT, type Mat } from '../../sim/coreMpm/smallMat.js';
import { relErr } from '../support/check.js';

const N = 16;

/** max |a - b| / max |b| over all entries of two component lists */
function scaledErr(a: Mat, b: Mat): number {
  let e = 0;
  let s = 0;
  a.forEach((t, k) => {
    const x = t.dataSync();
    const y = b[k].dataSync();
    for (let i = 0; i < y.length; i++) {
      e = Math.max(e, Math.abs(x[i] - y[i]));
      s = Math.max(s, Math.abs(y[i]));
    }
  });
  return e / s;
}

/** N deformation gradients I + 0.2 G (G standard normal), seeded; det > 0 is checked. */
function randomF(d: number, rng: Mulberry32): Mat {
  const vals = Array.from({ length: d * d }, (_, k) =>
    Float64Array.from({ length: N }, () => (k % (d + 1) === 0 ? 1 : 0) + 0.2 * rng.normal()),
  );
  const F = vals.map((v) => fx.tensor(v, [N], 'f64'));
  // the invariants need J > 0 (MPM's F never inverts); a seed that drew an inverted F would test nothing useful
  expect(Math.min(...det(F).dataSync())).to.be.above(0);
  return F;
}

/** One rotation per particle: an angle in 2D, a normalised random quaternion in 3D. */
function randomRotations(d: number, rng: Mulberry32): Mat {
  const cols: number[][] = Array.from({ length: d * d }, () => []);
  for (let p = 0; p < N; p++) {
    let q: number[];
    if (d === 2) {
      const a = 2 * Math.PI * rng.next();
      q = [Math.cos(a), -Math.sin(a), Math.sin(a), Math.cos(a)];
    } else {
      const [w, x, y, z] = ((u) => u.map((c) => c / Math.hypot(...u)))([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
      q = [
        1 - 2 * (y * y + z * z),
        2 * (x * y - w * z),
        2 * (x * z + w * y),
        2 * (x * y + w * z),
        1 - 2 * (x * x + z * z),
        2 * (y * z - w * x),
        2 * (x * z - w * y),
        2 * (y * z + w * x),
        1 - 2 * (x * x + y * y),
      ];
    }
    q.forEach((v, k) => cols[k].push(v));
  }
  return cols.map((c) => fx.tensor(c, [N], 'f64'));
}

const maxAbs = (m: Mat): number => Math.max(...m.map((t) => Math.max(...Array.from(t.dataSync(), Math.abs))));

describe('sim/coreMpm neural material: a learned hyperelastic law', () => {
  for (const d of [2, 3] as const) {
    describe(`${d}D`, () => {
      const law = neuralElasticity({ dim: d, stiffness: 100, seed: 3 });
      // a perturbed theta too, so the identities are not an accident of the initialisation
      const rng = new Mulberry32(40 + d);
      const thetas = [
        law.init(),
        fx.add(
          law.init(),
          fx.tensor(
            Float64Array.from({ length: law.size }, () => 0.5 * rng.normal()),
            [law.size],
            'f64',
          ),
        ),
      ];

      it('is frame-indifferent: tau(Q F) = Q tau(F) Q^T and P(Q F) = Q P(F) for random rotations (1e-10, f64)', () => {
        const F = randomF(d, rng);
        const Q = randomRotations(d, rng);
        const QF = matMul(Q, F);
        for (const th of thetas) {
          const tau = law.kirchhoff(F, th);
          expect(maxAbs(tau)).to.be.above(1, 'the stress must not be trivially zero');
          expect(scaledErr(law.kirchhoff(QF, th), matMulNT(matMul(Q, tau), Q))).to.be.below(1e-10);
          expect(scaledErr(law.piola(QF, th), matMul(Q, law.piola(F, th)))).to.be.below(1e-10);
        }
      });

      it('has zero stress at F = I and at pure rotations (1e-12 of the stiffness scale)', () => {
        const eye = Array.from({ length: d * d }, (_, k) => fx.full([N], k % (d + 1) === 0 ? 1 : 0, 'f64'));
        for (const th of thetas) {
          expect(maxAbs(law.kirchhoff(eye, th))).to.be.below(1e-12 * 100);
          expect(maxAbs(law.kirchhoff(randomRotations(d, rng), th))).to.be.below(1e-12 * 100);
        }
      });

      it('P is the derivative of the energy (central differences with h = 1e-5: O(h^2) ~ 1e-7, so 1e-6 relative)', () => {
        const F = randomF(d, rng);
        const th = thetas[1];
        const P = law.piola(F, th);
        const h = 1e-5;
        for (let k = 0; k < d * d; k++) {
          const at = (s: number): Float64Array =>
            law
              .energy(
                F.map((f, j) => (j === k ? fx.add(f, s) : f)),
                th,
              )
              .dataSync() as Float64Array;
          const [up, dn] = [at(h), at(-h)];
          const fd = Float64Array.from(up, (u, i) => (u - dn[i]) / (2 * h));
          const want = fx.tensor(fd, [N], 'f64');
          expect(scaledErr([P[k]], [want])).to.be.below(1e-6, `component ${k}`);
        }
      });
    });
  }

  for (const d of [2, 3] as const) {
    it(`${d}D MPM step with the neural material: a body at rest without gravity stays exactly at rest (stress-free F = I)`, () => {
      const side = 4;
      const n = side ** d;
      const x = Array.from({ length: d }, (_, a) =>
        Array.from({ length: n }, (_, p) => 0.4 + ((Math.floor(p / side ** a) % side) + 0.5) * 0.05),
      ).flat();
      const law = neuralElasticity({ dim: d, stiffness: 100, seed: 7 });
      const sim = coreMpm({ dim: d, nGrid: 12, nParticles: n, dt: 1e-3, gravity: 0, material: 'neural', neural: law });
      const s0 = sim.initialState(fx.tensor(x, [d, n], 'f64'));
      let st = s0;
      for (let t = 0; t < 3; t++) st = sim.step(st, { ...sim.params(), theta: law.init() });
      expect(Math.max(...Array.from(st.v.dataSync(), Math.abs))).to.be.below(1e-12);
      // and the same step does move a body whose F is not the identity (the stress reaches the grid)
      const F0 = fx.mul(
        s0.F,
        fx.tensor(
          Array.from({ length: d * d }, (_, k) => (k === 0 ? 1.05 : 1)),
          [d * d, 1],
          'f64',
        ),
      );
      const moved = sim.step({ ...s0, F: F0 }, { ...sim.params(), theta: law.init() });
      expect(Math.max(...Array.from(moved.v.dataSync(), Math.abs))).to.be.above(1e-6);
    });
  }

  describe('learned plastic projection (2D)', () => {
    const pl = neuralPlasticity({ seed: 9, hidden: [8, 8] });
    const rng = new Mulberry32(77);
    const perturbed = fx.add(
      pl.init(),
      fx.tensor(
        Float64Array.from({ length: pl.size }, () => 0.5 * rng.normal()),
        [pl.size],
        'f64',
      ),
    );

    it('is frame-indifferent: project(Q F) = Q project(F) (1e-12) and does act for a trained-like theta', () => {
      const F = randomF(2, rng);
      const Q = randomRotations(2, rng);
      const out = pl.project(F, perturbed);
      expect(scaledErr(pl.project(matMul(Q, F), perturbed), matMul(Q, out))).to.be.below(1e-12);
      expect(scaledErr(out, F)).to.be.above(1e-3, 'the perturbed projection must move F');
    });

    it('starts almost elastic: F - (1 - h)(F - m R) with h = exp(-softplus(-8)), m the mean singular value (1e-12)', () => {
      const F = randomF(2, rng);
      const R = polar2(F);
      // m = tr(R^T F) / 2: the mean singular value
      const m = fx.mul(0.5, fx.add(fx.add(fx.mul(R[0], F[0]), fx.mul(R[2], F[2])), fx.add(fx.mul(R[1], F[1]), fx.mul(R[3], F[3]))));
      const shrink = 1 - Math.exp(-Math.log1p(Math.exp(-8)));
      const want = F.map((f, k) => fx.sub(f, fx.mul(shrink, fx.sub(f, fx.mul(m, R[k])))));
      expect(scaledErr(pl.project(F, pl.init()), want)).to.be.below(1e-12);
    });
  });

  describe('through the core MPM (2D)', () => {
    const nGrid = 16;
    const body = bodyParticles({ shape: 'square', centre: [0.5, 0.5], size: 0.25, v0: [0.5, -0.2], gradV: [5, 2, -1, -4] }, nGrid);
    const base = { nGrid, nParticles: body.n, dt: 5e-4, E: 200, nu: 0.3, dim: 2 as const, boundary: 'sticky' as const };
    const truth = coreMpm({ ...base, material: 'neoHookean' });
    const state0 = truth.initialState(body.x, body.v);
    const every = 4;
    const obs: Observation = { state0, frames: observeFrames(truth, state0, truth.params(), every, 3) };
    const law = neuralElasticity({ dim: 2, stiffness: 80, seed: 5, hidden: [8, 8] });
    const sim = coreMpm({ ...base, material: 'neural', neural: law });

    it('rejects the neural material without its law or its parameters', () => {
      expect(() => coreMpm({ ...base, material: 'neural' })).to.throw(/needs the option neural/);
      expect(() => coreMpm({ ...base, material: 'fixedCorotated', neuralPlasticity: neuralPlasticity() })).to.throw(
        /needs material 'neural' in 2D/,
      );
      expect(() => sim.step(state0, sim.params())).to.throw(/needs params.theta of shape/);
    });

    it('d loss / d theta through a checkpointed rollout matches central differences (1e-6 relative, f64)', () => {
      const th = law.init();
      const f = (t: fx.Tensor): fx.Tensor => trajectoryLoss(sim, obs, t, every, 0.25);
      const g = fx.grad(f)(th) as fx.Tensor;
      const rng = new Mulberry32(11);
      const dir = fx.tensor(
        Float64Array.from({ length: law.size }, () => rng.normal()),
        [law.size],
        'f64',
      );
      const h = 1e-5;
      const fd = (f(fx.add(th, fx.mul(h, dir))).item() - f(fx.sub(th, fx.mul(h, dir))).item()) / (2 * h);
      const ad = fx.sum(fx.mul(g, dir)).item();
      expect(Math.abs(ad)).to.be.above(1e-8, 'the loss must depend on theta');
      expect(Math.abs(fd - ad) / Math.abs(ad)).to.be.below(1e-6);
    });

    it('with the plastic projection too: d loss / d theta (elastic and plastic parts) matches central differences from F = I', () => {
      const pl = neuralPlasticity({ seed: 4, hidden: [8, 8] });
      const simP = coreMpm({ ...base, material: 'neural', neural: law, neuralPlasticity: pl });
      const rng = new Mulberry32(12);
      const size = law.size + pl.size;
      // perturbed off the almost-elastic start so the plastic part of the gradient is not negligible
      const th = fx.add(
        fx.concat([law.init(), pl.init()]),
        fx.tensor(
          Float64Array.from({ length: size }, () => 0.3 * rng.normal()),
          [size],
          'f64',
        ),
      );
      const f = (t: fx.Tensor): fx.Tensor => trajectoryLoss(simP, obs, t, every, 0.25);
      const g = fx.grad(f)(th) as fx.Tensor;
      expect(g.dataSync().every(Number.isFinite)).to.equal(true);
      const dir = fx.tensor(
        Float64Array.from({ length: size }, () => rng.normal()),
        [size],
        'f64',
      );
      const h = 1e-5;
      const fd = (f(fx.add(th, fx.mul(h, dir))).item() - f(fx.sub(th, fx.mul(h, dir))).item()) / (2 * h);
      const ad = fx.sum(fx.mul(g, dir)).item();
      expect(Math.abs(ad)).to.be.above(1e-8);
      expect(Math.abs(fd - ad) / Math.abs(ad)).to.be.below(1e-6);
    });

    it('frameRollout (jitted host-driven frames) gives the traced rollout of observeFrames (1e-12), and stops a body that leaves the grid', () => {
      const th = law.init();
      const states = frameRollout(sim, every)(state0, { ...sim.params(), theta: th }, 3);
      const traced = observeFrames(sim, state0, { ...sim.params(), theta: th }, every, 3);
      states.forEach((s, k) => expect(scaledErr([s.x], [traced[k]])).to.be.below(1e-12));
      const fast = truth.initialState(body.x, fx.add(body.v, fx.tensor([300, 0], [2, 1], 'f64')));
      expect(() => frameRollout(truth, every)(fast, truth.params(), 3)).to.throw(ParticleLeftGridError, /outside the grid|left the grid/);
    });

    it('trajectoryValueAndGrad is trajectoryLoss with scale 1 and its fx.grad (1e-12)', () => {
      const th = law.init();
      const r = trajectoryValueAndGrad(sim, every)(th, obs);
      const f = (t: fx.Tensor): fx.Tensor => trajectoryLoss(sim, obs, t, every, 1);
      expect(Math.abs(r.loss - f(th).item()) / f(th).item()).to.be.below(1e-12);
      const g = (fx.grad(f)(th) as fx.Tensor).dataSync();
      expect(scaledErr([fx.tensor(r.grad, [law.size], 'f64')], [fx.tensor(g, [law.size], 'f64')])).to.be.below(1e-12);
    });

    it('truncateEvery: the gradient sums each window of frame errors differentiated from the frozen start of the window', () => {
      const th = law.init();
      const scale = 0.25;
      // frames at steps 4, 8, 12; cuts every 8 steps: frames 1-2 see the rollout from state0, frame 3 from a frozen s_8
      const s8 = frameRollout(sim, every)(state0, { ...sim.params(), theta: th }, 2)[1];
      const windows = (t: fx.Tensor): fx.Tensor =>
        fx.add(
          fx.mul(2 / 3, trajectoryLoss(sim, { state0, frames: obs.frames.slice(0, 2) }, t, every, scale)),
          fx.mul(1 / 3, trajectoryLoss(sim, { state0: s8, frames: obs.frames.slice(2) }, t, every, scale)),
        );
      const truncated = (t: fx.Tensor): fx.Tensor => trajectoryLoss(sim, obs, t, every, scale, 8);
      const want = (fx.grad(windows)(th) as fx.Tensor).dataSync();
      const got = (fx.grad(truncated)(th) as fx.Tensor).dataSync();
      expect(relErr(got, want)).to.be.below(1e-10);
      expect(truncated(th).item()).to.be.closeTo(trajectoryLoss(sim, obs, th, every, scale).item(), 1e-15);
      const full = (fx.grad((t: fx.Tensor) => trajectoryLoss(sim, obs, t, every, scale))(th) as fx.Tensor).dataSync();
      expect(relErr(got, full)).to.be.above(1e-3, 'the cut must change the gradient');
      // jitted, at scale 1; a cut at the last frame or beyond is no cut
      const jitted = trajectoryValueAndGrad(sim, every, 8)(th, obs).grad;
      expect(
        relErr(
          jitted,
          got.map((g) => g * scale * scale),
        ),
      ).to.be.below(1e-10);
      expect(relErr(trajectoryValueAndGrad(sim, every, 12)(th, obs).grad, trajectoryValueAndGrad(sim, every)(th, obs).grad)).to.be.below(
        1e-14,
      );
      expect(() => trajectoryValueAndGrad(sim, every, 6)).to.throw(/truncateEvery must be a positive multiple of every \(4\), got 6/);
    });

    it('a seeded 30-iteration Adam run cuts the trajectory loss by more than 20x (58x when written)', () => {
      const r = fitNeuralMaterial(sim, [obs], law.init(), { every, scale: 0.25, iterations: 30, lr: 3e-2 });
      const final = trajectoryLoss(sim, obs, r.theta, every, 0.25).item();
      expect(final).to.be.below(r.losses[0] / 20);
    });
  });
});
