// PINO residuals: spectral derivatives, Burgers residual of the exact Cole-Hopf solution, Darcy FD residual.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { burgersSineExact } from '../../solvers/index.js';
import {
  spectralDerivative,
  burgersResidual,
  darcyResidual,
  Normalizer,
  relativeL2,
  relativeL2Host,
  subsample,
} from '../../operators/index.js';
import { relErr } from '../support/check.js';

describe('operators: physics-informed residuals', () => {
  it('spectral derivatives of a trigonometric polynomial are exact (orders 1-3, period 2)', () => {
    const n = 16,
      L = 2;
    const x = Array.from({ length: n }, (_, j) => (L * j) / n);
    const w = (2 * Math.PI) / L;
    const u = fx.tensor(
      x.map((t) => Math.sin(3 * w * t) + 0.5 * Math.cos(w * t)),
      [1, n],
      'f64',
    );
    const want = [
      x.map((t) => 3 * w * Math.cos(3 * w * t) - 0.5 * w * Math.sin(w * t)),
      x.map((t) => -9 * w * w * Math.sin(3 * w * t) - 0.5 * w * w * Math.cos(w * t)),
      x.map((t) => -27 * w ** 3 * Math.cos(3 * w * t) + 0.5 * w ** 3 * Math.sin(w * t)),
    ];
    want.forEach((v, k) => expect(relErr(spectralDerivative(u, k + 1, L).dataSync(), v)).to.be.below(1e-12, `order ${k + 1}`));
  });

  it('the Burgers residual of the exact solution is small and falls like dt^2; a wrong viscosity is caught', () => {
    const nx = 64,
      nu = 0.1;
    const x = Float64Array.from({ length: nx }, (_, j) => j / nx);
    const residualNorm = (dt: number, nuGuess: number) => {
      const rows = [0.2, 0.2 + dt, 0.2 + 2 * dt].map((t) => Array.from(burgersSineExact(x, t, nu)));
      const r = burgersResidual(fx.tensor(rows.flat(), [1, 3, nx], 'f64'), { nu: nuGuess, dt });
      return Math.sqrt(fx.mean(fx.square(r)).item());
    };
    const coarse = residualNorm(1e-2, nu);
    const fine = residualNorm(5e-3, nu);
    expect(coarse / fine).to.be.within(3.5, 4.5); // second order in time, spectral in space
    expect(fine).to.be.below(1e-3);
    expect(residualNorm(5e-3, 0.2)).to.be.above(100 * fine);
  });

  it('the Darcy residual vanishes for the exact quadratic solution of -lap u = 1 (a = 1) and is differentiable', () => {
    const s = 9,
      h = 1 / (s - 1);
    const u = fx.tensor(
      Array.from({ length: s * s }, (_, p) => {
        const xi = Math.floor(p / s) * h;
        return (xi * (1 - xi)) / 2; // -u'' = 1
      }),
      [1, s, s],
      'f64',
    );
    const a = fx.ones([1, s, s], 'f64');
    const r = darcyResidual(u, a, h);
    expect(r.shape).to.deep.equal([1, s - 2, s - 2]);
    expect(Math.max(...Array.from(r.dataSync(), Math.abs))).to.be.below(1e-10);
    // doubling a doubles -div(a grad u): residual becomes 2 - 1 = 1 everywhere
    expect(Array.from(darcyResidual(u, fx.mul(a, 2), h).dataSync()).every((v) => Math.abs(v - 1) < 1e-10)).to.equal(true);
    const g = fx.grad((v: fx.Tensor) => fx.sum(fx.square(darcyResidual(v, a, h))))(u) as fx.Tensor;
    expect(g.shape).to.deep.equal([1, s, s]);
  });

  it('normalisers round-trip, relative L2 agrees on host and in tensors, subsample keeps every other point', () => {
    const values = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3 + 1);
    for (const kind of ['global', 'pointwise'] as const) {
      const norm = Normalizer.fit(kind, values, 3);
      const enc = norm.encode(values, 3);
      const dec = norm.decode(fx.tensor(enc, [3, 4], 'f64')).dataSync();
      expect(relErr(dec, values)).to.be.below(1e-14);
      expect(() => Normalizer.fromJSON(norm.toJSON()).encode(values, 3)).to.not.throw();
    }
    expect(() => Normalizer.fit('pointwise', values, 3).encode(values, 2)).to.throw(/pointwise/);
    const p = fx.tensor([1, 2, 3, 4], [2, 2], 'f64'),
      q = fx.tensor([1, 1, 3, 5], [2, 2], 'f64');
    expect(relativeL2(p, q).item()).to.be.closeTo(relativeL2Host([1, 2, 3, 4], [1, 1, 3, 5], 2), 1e-15);
    const ds = {
      inputs: Float64Array.from({ length: 8 }, (_, i) => i),
      outputs: Float64Array.from({ length: 8 }, (_, i) => -i),
      count: 2,
      gridShape: [4],
      grid: Float64Array.from([0, 0.25, 0.5, 0.75]),
    };
    const sub = subsample(ds, 2);
    expect(Array.from(sub.inputs)).to.deep.equal([0, 2, 4, 6]);
    expect(Array.from(sub.grid)).to.deep.equal([0, 0.5]);
  });
});
