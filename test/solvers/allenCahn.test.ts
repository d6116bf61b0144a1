import { expect } from 'chai';
import { solveAllenCahn1d, allenCahnEnergy } from '../../solvers/allenCahn.js';
import { periodicGrid } from '../../solvers/spectral.js';
import { Rng } from '../../core/random.js';
import { maxDiff } from './helpers.js';

describe('solvers/allenCahn (spectral ETDRK4)', () => {
  const n = 128;
  const eps = 1e-3;
  const rng = new Rng(21);
  const x = periodicGrid(n);
  const u0 = x.map((xi) => 0.3 * Math.cos(2 * Math.PI * xi) + 0.2 * Math.sin(6 * Math.PI * xi) + 0.05 * rng.normal());

  it('the Ginzburg-Landau energy decreases monotonically while fronts form', () => {
    const r = solveAllenCahn1d(u0, { eps, T: 8, dt: 0.01, snapshots: 80 });
    const energies = [allenCahnEnergy(u0, eps), ...r.snapshots.map((u) => allenCahnEnergy(u, eps))];
    for (let i = 1; i < energies.length; i++) expect(energies[i], `snapshot ${i}`).to.be.below(energies[i - 1]);
    // the phases separate: values approach +-1, so the energy drops well below the initial 1/4-ish
    expect(energies[energies.length - 1]).to.be.below(0.5 * energies[0]);
    expect(Math.max(...r.u)).to.be.closeTo(1, 0.02);
  });

  it('energy of a constant state is the double-well value and of a mode is spectral-exact', () => {
    expect(allenCahnEnergy(new Float64Array(16).fill(0), 0.1)).to.be.closeTo(0.25, 1e-15);
    const u = periodicGrid(32).map((xi) => Math.sin(2 * Math.PI * 3 * xi));
    // eps/2 * int (6 pi cos)^2 = eps/2 * 18 pi^2 ; int (sin^2 - 1)^2/4 = int cos^4 / 4 = 3/32
    expect(allenCahnEnergy(u, 0.1)).to.be.closeTo(0.05 * 18 * Math.PI ** 2 + 3 / 32, 1e-12);
  });

  it('converges at fourth order in dt for smooth initial data', () => {
    // (rough, noisy data shows the known stiff order reduction of ETDRK4 at these step sizes)
    const smooth = x.map((xi) => 0.3 * Math.cos(2 * Math.PI * xi) + 0.2 * Math.sin(6 * Math.PI * xi));
    const T = 2;
    const ref = solveAllenCahn1d(smooth, { eps, T, dt: T / 640 }).u;
    const errs = [10, 20, 40].map((steps) => maxDiff(solveAllenCahn1d(smooth, { eps, T, dt: T / steps }).u, ref));
    for (let i = 1; i < errs.length; i++) expect(Math.log2(errs[i - 1] / errs[i])).to.be.within(3.5, 4.7);
  });
});
