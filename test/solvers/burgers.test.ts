import { expect } from 'chai';
import { solveBurgers1d } from '../../solvers/burgers.js';
import { burgersSineExact } from '../../solvers/burgersExact.js';
import { periodicGrid } from '../../solvers/spectral.js';
import { etdrk4Coefficients } from '../../solvers/etdrk4.js';
import { maxDiff } from './helpers.js';

describe('solvers/burgers (spectral ETDRK4)', () => {
  it('ETDRK4 contour coefficients match the closed forms for moderate hL', () => {
    const h = 0.1;
    const L = Float64Array.from([-3, -0.5, 2]);
    const c = etdrk4Coefficients(L, h);
    for (let i = 0; i < L.length; i++) {
      const z = h * L[i];
      const ez = Math.exp(z);
      expect(c.Q[i]).to.be.closeTo((h * (Math.exp(z / 2) - 1)) / z, 1e-12);
      expect(c.f1[i]).to.be.closeTo((h * (-4 - z + ez * (4 - 3 * z + z * z))) / z ** 3, 1e-10);
      expect(c.f2[i]).to.be.closeTo((h * (2 + z + ez * (z - 2))) / z ** 3, 1e-10);
      expect(c.f3[i]).to.be.closeTo((h * (-4 - 3 * z - z * z + ez * (4 - z))) / z ** 3, 1e-10);
    }
    // at hL = 0 the limits are h/2, h/6, h/6, h/6
    const zero = etdrk4Coefficients(Float64Array.from([0]), h);
    expect(zero.Q[0]).to.be.closeTo(h / 2, 1e-14);
    expect(zero.f1[0]).to.be.closeTo(h / 6, 1e-14);
    expect(zero.f2[0]).to.be.closeTo(h / 6, 1e-14);
    expect(zero.f3[0]).to.be.closeTo(h / 6, 1e-14);
  });

  it('matches the exact Cole-Hopf solution for u0 = sin(2 pi x), nu = 0.1', () => {
    const n = 64;
    const x = periodicGrid(n);
    const u0 = burgersSineExact(x, 0, 0.1);
    for (let i = 0; i < n; i++) expect(u0[i]).to.be.closeTo(Math.sin(2 * Math.PI * x[i]), 1e-12);
    const T = 0.5;
    const { u } = solveBurgers1d(u0, { nu: 0.1, T, dt: 1e-3 });
    const exact = burgersSineExact(x, T, 0.1);
    expect(maxDiff(u, exact)).to.be.below(1e-10);
  });

  it('converges at fourth order in dt', () => {
    const n = 64;
    const nu = 0.02;
    const x = periodicGrid(n);
    const u0 = x.map((xi) => Math.sin(2 * Math.PI * xi) + 0.5 * Math.cos(4 * Math.PI * xi));
    const T = 0.3;
    const ref = solveBurgers1d(u0, { nu, T, dt: T / 1200 }).u;
    const errs = [20, 40, 80].map((steps) => maxDiff(solveBurgers1d(u0, { nu, T, dt: T / steps }).u, ref));
    const orders = [Math.log2(errs[0] / errs[1]), Math.log2(errs[1] / errs[2])];
    expect(orders[0]).to.be.within(3.5, 4.6);
    expect(orders[1]).to.be.within(3.5, 4.6);
  });

  it('records snapshots at evenly spaced times and validates options', () => {
    const u0 = periodicGrid(32).map((xi) => Math.sin(2 * Math.PI * xi));
    const r = solveBurgers1d(u0, { nu: 0.1, T: 0.2, dt: 0.01, snapshots: 4 });
    expect(r.times.length).to.equal(4);
    expect(r.times[3]).to.be.closeTo(0.2, 1e-14);
    expect(maxDiff(r.snapshots[3], r.u)).to.equal(0);
    expect(() => solveBurgers1d(u0, { nu: -1, T: 1 })).to.throw(/nu/);
    expect(() => solveBurgers1d(u0, { nu: 0.1, T: 0 })).to.throw(/T/);
  });
});
