import { expect } from 'chai';
import { solveBurgers2dPeriodic } from '../../solvers/burgers2d.js';
import { burgersSineExact } from '../../solvers/burgersExact.js';

const NU = 0.01;

/** Max error of the 2-D solver against the Cole-Hopf solution, the wave along x (axis 0) or y (axis 1). */
function errorAlong(axis: 0 | 1, n: number, t: number): { err: number; other: number } {
  const x = Float64Array.from({ length: n }, (_, i) => i / n);
  const wave = x.map((s) => Math.sin(2 * Math.PI * s));
  const a = new Float64Array(n * n),
    zero = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) a[j * n + i] = wave[axis === 0 ? i : j];
  const [u0, v0] = axis === 0 ? [a, zero] : [zero, a];
  const [frame] = solveBurgers2dPeriodic(u0, v0, { n, length: 1, nu: NU, times: [t] });
  const exact = burgersSineExact(x, t, NU);
  const [w, other] = axis === 0 ? [frame.u, frame.v] : [frame.v, frame.u];
  let err = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(w[j * n + i] - exact[axis === 0 ? i : j]));
  return { err, other: Math.max(...other.map(Math.abs)) };
}

describe('solvers/burgers2d', () => {
  it('reduces to 1-D Burgers along x: matches the Cole-Hopf solution (nu = 0.01, t = 0.1), second order', () => {
    const coarse = errorAlong(0, 64, 0.1);
    const fine = errorAlong(0, 128, 0.1);
    expect(fine.err).to.be.below(1.5e-3);
    expect(coarse.err / fine.err).to.be.above(3);
    expect(fine.other).to.equal(0);
  });

  it('and along y, through the shock (t = 0.3): error stays small and the other component stays 0', () => {
    const r = errorAlong(1, 128, 0.3);
    expect(r.err).to.be.below(0.02);
    expect(r.other).to.equal(0);
  });

  it('rejects bad options naming them', () => {
    const z = new Float64Array(16);
    expect(() => solveBurgers2dPeriodic(z, z, { n: 4, length: 1, nu: -1, times: [1] })).to.throw(/nu must be >= 0/);
    expect(() => solveBurgers2dPeriodic(z, z, { n: 4, length: 1, nu: 0, times: [0.5, 0.2] })).to.throw(/times must increase/);
  });
});
