// The core MLS-MPM's small-matrix pieces: the 3D polar rotation's custom vjp (against central differences of the
// Newton iteration, including repeated singular values, where an SVD-based adjoint divides by zero) and snow's return
// mapping at S = sigma I, where the clamped branch has no derivative.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { Mulberry32 } from '../../core/random.js';
import { polar3 as polar3Hand } from './oracle/mpm/mat3.js';
import { polar3Tensor, snowPlasticity } from '../../sim/coreMpm/index.js';

const rel = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let e = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return e / s;
};

/** Row-major 3x3 product. */
const mul3 = (a: number[], b: number[]): number[] =>
  Array.from({ length: 9 }, (_, k) => {
    const [i, j] = [Math.floor(k / 3), k % 3];
    return a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  });
const rotation = (t: number, u: number): number[] => {
  const [c, s, d, e] = [Math.cos(t), Math.sin(t), Math.cos(u), Math.sin(u)];
  return mul3([c, -s, 0, s, c, 0, 0, 0, 1], [1, 0, 0, 0, d, -e, 0, e, d]);
};

describe('sim/coreMpm polar3: Newton polar rotation with a custom vjp', () => {
  // F = R diag(s) V^T with repeated singular values (identity; a double pair) and distinct ones
  const cases: Array<[string, number[]]> = [
    ['F = I', [1, 0, 0, 0, 1, 0, 0, 0, 1]],
    ['repeated singular values (1.1, 1.1, 0.9)', mul3(mul3(rotation(0.3, -0.7), [1.1, 0, 0, 0, 1.1, 0, 0, 0, 0.9]), rotation(-1.1, 0.4))],
    ['distinct singular values', mul3(mul3(rotation(0.5, 0.2), [1.2, 0, 0, 0, 0.95, 0, 0, 0, 0.8]), rotation(0.9, -0.3))],
  ];
  const rng = new Mulberry32(3);
  const W = fx.tensor(
    Float64Array.from({ length: 18 }, () => rng.normal()),
    [9, 2],
    'f64',
  );
  for (const [name, F] of cases) {
    it(`${name}: rotation equals the hand-written polar3, gradient equals central differences`, () => {
      // two particles: F and a slightly perturbed copy, stored as [9, N] rows
      const F2 = F.map((v, k) => v + 1e-3 * Math.sin(k + 1));
      const Ft = fx.tensor(
        Float64Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? F : F2)[i >> 1]),
        [9, 2],
        'f64',
      );
      const R = polar3Tensor(Ft).dataSync();
      const want = new Float64Array(9);
      polar3Hand(Float64Array.from(F), 0, want);
      expect(
        rel(
          Array.from({ length: 9 }, (_, k) => R[2 * k]),
          want,
        ),
      ).to.be.below(1e-13);
      const loss = (x: fx.Tensor): fx.Tensor => fx.sum(fx.mul(W, polar3Tensor(x)));
      const g = (fx.grad(loss)(Ft) as fx.Tensor).dataSync();
      expect(Array.from(g).every(Number.isFinite)).to.equal(true);
      const h = 1e-6;
      const fd = Array.from({ length: 18 }, (_, i) => {
        const at = (d: number) => {
          const x = Float64Array.from(Ft.dataSync());
          x[i] += d;
          return loss(fx.tensor(x, [9, 2], 'f64')).item();
        };
        return (at(h) - at(-h)) / (2 * h);
      });
      expect(rel(g, fd)).to.be.below(1e-7);
    });
  }
});

describe('sim/coreMpm snowPlasticity at S = sigma I', () => {
  const row = (v: number) => fx.tensor([v], [1], 'f64');
  for (const [name, sigma, clamped] of [
    ['inside the clamp (F = I)', 1, false],
    ['clamped (F = 1.1 I)', 1.1, true],
  ] as const) {
    it(`${name}: finite gradient${clamped ? '' : ', the identity map'}`, () => {
      const f = (a: fx.Tensor, b: fx.Tensor, c: fx.Tensor, d: fx.Tensor, jp: fx.Tensor): fx.Tensor => {
        const r = snowPlasticity([a, b, c, d], jp, 2.5e-2, 4.5e-3);
        return fx.add(fx.add(fx.mul(r.F[0], 2), fx.add(r.F[1], fx.mul(r.F[3], 3))), fx.mul(r.Jp, 5));
      };
      const args: [fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor] = [row(sigma), row(0), row(0), row(sigma), row(1)];
      const g = (fx.grad(f, [0, 1, 2, 3, 4])(...args) as fx.Tensor[]).map((t) => t.item());
      expect(g.every(Number.isFinite)).to.equal(true);
      if (!clamped) expect(g).to.deep.equal([2, 1, 0, 3, 5]);
      else expect(g[4]).to.be.closeTo((5 * sigma * sigma) / (1 + 4.5e-3) ** 2, 1e-12);
    });
  }
});
