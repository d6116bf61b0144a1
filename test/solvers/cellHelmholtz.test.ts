import { expect } from 'chai';
import { solveCellHelmholtz } from '../../solvers/cellHelmholtz.js';

/** Max |u - exact| over the active cells. */
function maxErr(u: Float64Array, centres: Float64Array[], exact: (p: number[]) => number): number {
  const [nx, ny] = [centres[0].length, centres[1].length];
  let m = 0;
  u.forEach((v, id) => {
    if (Number.isNaN(v)) return;
    const p = [centres[0][id % nx], centres[1][Math.floor(id / nx) % ny]];
    if (centres.length === 3) p.push(centres[2][Math.floor(id / (nx * ny))]);
    m = Math.max(m, Math.abs(v - exact(p)));
  });
  return m;
}

describe('solvers/cellHelmholtz', () => {
  it('3-D zero-Neumann box: -lap u + 64 u = g for u = cos(pi x) cos(pi y) cos(pi z), second order', () => {
    const exact = (p: readonly number[]): number => Math.cos(Math.PI * p[0]) * Math.cos(Math.PI * p[1]) * Math.cos(Math.PI * p[2]);
    const errs = [8, 16].map((n) => {
      const r = solveCellHelmholtz({
        min: [0, 0, 0],
        max: [1, 1, 1],
        cells: [n, n, n],
        reaction: () => 64,
        source: (p) => (3 * Math.PI ** 2 + 64) * exact(p),
      });
      expect(r.converged).to.equal(true);
      return maxErr(r.u, r.centres, exact);
    });
    expect(errs[1]).to.be.below(0.01);
    expect(errs[0] / errs[1]).to.be.within(3.5, 4.5);
  });

  it('2-D Robin walls du/dn + u = 0: u = phi(x) phi(y), phi = cos(w (x - 1/2)), w tan(w / 2) = 1, second order', () => {
    let lo = 0.5,
      hi = 3;
    for (let it = 0; it < 80; it++) {
      const mid = (lo + hi) / 2;
      if (mid * Math.tan(mid / 2) < 1) lo = mid;
      else hi = mid;
    }
    const w = lo;
    const exact = (p: readonly number[]): number => Math.cos(w * (p[0] - 0.5)) * Math.cos(w * (p[1] - 0.5));
    const errs = [16, 32].map((n) => {
      const r = solveCellHelmholtz({ min: [0, 0], max: [1, 1], cells: [n, n], beta: 1, source: (p) => 2 * w * w * exact(p) });
      expect(r.converged).to.equal(true);
      return maxErr(r.u, r.centres, exact);
    });
    expect(errs[1]).to.be.below(2e-3);
    expect(errs[0] / errs[1]).to.be.within(3.5, 4.5);
  });

  it('holes are zero-flux: -lap u + u = 1 with a spherical hole keeps u = 1 exactly; hole cells are NaN', () => {
    const inside = (p: readonly number[]): boolean => (p[0] - 0.5) ** 2 + (p[1] - 0.4) ** 2 + (p[2] - 0.5) ** 2 > 0.3 ** 2;
    const r = solveCellHelmholtz({ min: [0, 0, 0], max: [1, 1, 1], cells: [12, 12, 12], reaction: () => 1, source: () => 1, inside });
    const vals = Array.from(r.u).filter((v) => !Number.isNaN(v));
    expect(vals.length).to.be.within(1000, 12 ** 3 - 50);
    for (const v of vals) expect(v).to.be.closeTo(1, 1e-8);
  });

  it('rejects non-cubic cells and a singular system, naming the problem', () => {
    expect(() => solveCellHelmholtz({ min: [0, 0], max: [1, 2], cells: [4, 4], source: () => 0 })).to.throw(/cells must be cubes/);
    expect(() => solveCellHelmholtz({ min: [0, 0], max: [1, 1], cells: [4, 4], source: () => 0 })).to.throw(/singular/);
  });
});
