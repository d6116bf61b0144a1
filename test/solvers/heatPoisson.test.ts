import { expect } from 'chai';
import { dirichletTridiagonal, solveTridiagonal } from '../../solvers/tridiagonal.js';
import { solvePoisson1d, solvePoisson2d } from '../../solvers/poisson.js';
import { solveHeat1d, solveHeat2d } from '../../solvers/heat.js';
import { maxDiff, nodes2d } from './helpers.js';

const PI = Math.PI;

function nodes1d(n: number, g: (x: number) => number): Float64Array {
  return Float64Array.from({ length: n + 1 }, (_, i) => g(i / n));
}

function orders(errs: number[]): number[] {
  return errs.slice(1).map((e, i) => Math.log2(errs[i] / e));
}

describe('solvers/heat and poisson (finite differences)', () => {
  it('tridiagonal solve reproduces a known solution', () => {
    const x = Float64Array.from([1, -2, 3, 0.5, 4]);
    const lower = Float64Array.from([0, 1, -1, 2, 0.5]);
    const diag = Float64Array.from([4, 5, 6, 7, 3]);
    const upper = Float64Array.from([1, 2, -1, 1, 0]);
    const rhs = x.map((xi, i) => (i > 0 ? lower[i] * x[i - 1] : 0) + diag[i] * xi + (i < 4 ? upper[i] * x[i + 1] : 0));
    expect(maxDiff(solveTridiagonal(lower, diag, upper, rhs), x)).to.be.below(1e-14);
    expect(() => solveTridiagonal(lower, diag, upper.slice(1), rhs)).to.throw(/upper/);
  });

  it('Dirichlet tridiagonal solve keeps the boundary values and satisfies every interior row', () => {
    const n = 6,
      off = 2.5,
      d = 7,
      left = 0.75,
      right = -1.5;
    const u = Float64Array.from({ length: n + 1 }, (_, i) => (i === 0 ? left : i === n ? right : Math.cos(i)));
    const rhs = Float64Array.from({ length: n - 1 }, (_, k) => -off * u[k] + d * u[k + 1] - off * u[k + 2]);
    const got = dirichletTridiagonal(n, off, d)(rhs.slice(), left, right);
    expect(got.length).to.equal(n + 1);
    expect(got[0]).to.equal(left);
    expect(got[n]).to.equal(right);
    expect(maxDiff(got, u)).to.be.below(1e-14);
  });

  it('Poisson 1D with Dirichlet values converges at second order', () => {
    const exact = (x: number) => Math.sin(3 * PI * x) + 2 * x + 1;
    const errs = [16, 32, 64, 128].map((n) => {
      const u = solvePoisson1d(
        nodes1d(n, (x) => 9 * PI * PI * Math.sin(3 * PI * x)),
        { left: 1, right: 3 },
      );
      return maxDiff(u, nodes1d(n, exact));
    });
    for (const p of orders(errs)) expect(p).to.be.within(1.9, 2.1);
  });

  it('Poisson 2D converges at second order; PCG and direct solves agree', () => {
    const exact = (x: number, y: number) => Math.sin(PI * x) * Math.sin(2 * PI * y) * (1 + x * y);
    // -Delta of exact, by hand: u = S(x) T(y) w, w = 1 + x y
    const f = (x: number, y: number) => {
      const S = Math.sin(PI * x),
        T = Math.sin(2 * PI * y),
        Sx = PI * Math.cos(PI * x),
        Ty = 2 * PI * Math.cos(2 * PI * y);
      const w = 1 + x * y;
      const uxx = -PI * PI * S * T * w + 2 * Sx * T * y;
      const uyy = -4 * PI * PI * S * T * w + 2 * S * Ty * x;
      return -(uxx + uyy);
    };
    const errs = [8, 16, 32].map((n) => {
      const s = n + 1;
      const pc = solvePoisson2d(nodes2d(s, f), { tol: 1e-13 });
      const direct = solvePoisson2d(nodes2d(s, f), { method: 'direct' });
      expect(maxDiff(pc.u, direct.u)).to.be.below(1e-10);
      return maxDiff(direct.u, nodes2d(s, exact));
    });
    for (const p of orders(errs)) expect(p).to.be.within(1.85, 2.15);
  });

  it('Crank-Nicolson heat 1D with source and moving boundary values is second order (dt ~ h)', () => {
    const kappa = 0.5;
    const exact = (x: number, t: number) => Math.sin(PI * x) * Math.cos(t) + x * x * (1 + t);
    const source = (x: number, t: number) =>
      -Math.sin(PI * x) * Math.sin(t) + x * x - kappa * (-PI * PI * Math.sin(PI * x) * Math.cos(t) + 2 * (1 + t));
    const T = 0.5;
    const errs = [10, 20, 40, 80].map((n) => {
      const u = solveHeat1d(
        nodes1d(n, (x) => exact(x, 0)),
        {
          kappa,
          T,
          dt: 1 / n,
          source,
          left: () => 0,
          right: (t) => 1 + t,
        },
      );
      return maxDiff(
        u,
        nodes1d(n, (x) => exact(x, T)),
      );
    });
    for (const p of orders(errs)) expect(p).to.be.within(1.85, 2.2);
  });

  it('Crank-Nicolson heat 2D is second order and matches the decaying eigenmode', () => {
    const kappa = 0.1;
    const exact = (x: number, y: number, t: number) => Math.exp(-t) * Math.sin(PI * x) * Math.sin(2 * PI * y);
    const source = (x: number, y: number, t: number) => (-1 + 5 * PI * PI * kappa) * exact(x, y, t);
    const T = 0.4;
    const errs = [8, 16, 32].map((n) => {
      const s = n + 1;
      const u = solveHeat2d(
        nodes2d(s, (x, y) => exact(x, y, 0)),
        { kappa, T, dt: 0.8 / n, source },
      );
      return maxDiff(
        u,
        nodes2d(s, (x, y) => exact(x, y, T)),
      );
    });
    for (const p of orders(errs)) expect(p).to.be.within(1.85, 2.2);
    expect(() => solveHeat2d(new Float64Array(9), { kappa: 0, T: 1, dt: 0.1 })).to.throw(/kappa/);
  });
});
