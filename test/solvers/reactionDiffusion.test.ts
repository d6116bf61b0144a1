import { expect } from 'chai';
import { solveReactionDiffusion1d } from '../../solvers/reactionDiffusion.js';
import { maxDiff } from './helpers.js';

describe('solvers/reactionDiffusion (Fisher-KPP, spectral ETDRK4)', () => {
  const n = 64;
  const x = Float64Array.from({ length: n }, (_, j) => (2 * Math.PI * j) / n);

  it('without diffusion every point follows the logistic solution u0 e^{rho t} / (1 - u0 + u0 e^{rho t})', () => {
    const u0 = x.map((xi) => 0.1 + 0.05 * Math.cos(xi));
    const rho = 5;
    const T = 1;
    const u = solveReactionDiffusion1d(u0, { nu: 0, rho, T, dt: 1e-3 }).u;
    const exact = u0.map((a) => (a * Math.exp(rho * T)) / (1 - a + a * Math.exp(rho * T)));
    expect(maxDiff(u, exact)).to.be.below(1e-9);
  });

  it('without reaction a Fourier mode decays as exp(-nu k^2 t)', () => {
    const u0 = x.map((xi) => Math.sin(3 * xi));
    const u = solveReactionDiffusion1d(u0, { nu: 0.2, rho: 0, T: 0.5, dt: 0.01 }).u;
    const f = Math.exp(-0.2 * 9 * 0.5);
    expect(
      maxDiff(
        u,
        u0.map((v) => v * f),
      ),
    ).to.be.below(1e-12);
  });

  it('converges at fourth order in dt on the stiff Gaussian problem (nu 3, rho 5)', () => {
    const u0 = x.map((xi) => Math.exp(-((xi - Math.PI) ** 2) / (2 * (Math.PI / 4) ** 2)));
    const opts = { nu: 3, rho: 5, T: 1 };
    const ref = solveReactionDiffusion1d(u0, { ...opts, dt: 1 / 1280 }).u;
    const errs = [20, 40, 80].map((steps) => maxDiff(solveReactionDiffusion1d(u0, { ...opts, dt: 1 / steps }).u, ref));
    for (let i = 1; i < errs.length; i++) expect(Math.log2(errs[i - 1] / errs[i])).to.be.within(3.5, 4.7);
    // mass grows towards the stable state u = 1 and stays within [0, 1]
    expect(Math.min(...ref)).to.be.at.least(0);
    expect(Math.max(...ref)).to.be.at.most(1 + 1e-12);
  });

  it('rejects bad inputs by name', () => {
    expect(() => solveReactionDiffusion1d(new Float64Array(2), { nu: 1, rho: 1, T: 1, dt: 0.1 })).to.throw(/at least 4 points/);
    expect(() => solveReactionDiffusion1d(x, { nu: -1, rho: 1, T: 1, dt: 0.1 })).to.throw(/nu must be >= 0/);
  });
});
