import { expect } from 'chai';
import { solveDarcy } from '../../solvers/darcy.js';
import { diffusionOperator, laplacianOperator, interiorOf } from '../../solvers/stencil2d.js';
import { factorFivePoint } from '../../solvers/bandedCholesky.js';
import { Multigrid } from '../../solvers/multigrid.js';
import { pcg } from '../../solvers/cg.js';
import { Rng } from '../../core/random.js';
import { nodes2d } from './helpers.js';

// manufactured: u = sin(pi x) sin(pi y) x, a = 1 + 0.5 sin(2 pi x) cos(pi y) + 0.3 y
const U = (x: number, y: number) => x * Math.sin(Math.PI * x) * Math.sin(Math.PI * y);
const Ux = (x: number, y: number) => (Math.sin(Math.PI * x) + Math.PI * x * Math.cos(Math.PI * x)) * Math.sin(Math.PI * y);
const Uy = (x: number, y: number) => x * Math.sin(Math.PI * x) * Math.PI * Math.cos(Math.PI * y);
const Lap = (x: number, y: number) =>
  (2 * Math.PI * Math.cos(Math.PI * x) - Math.PI ** 2 * x * Math.sin(Math.PI * x)) * Math.sin(Math.PI * y) - Math.PI ** 2 * U(x, y);
const A = (x: number, y: number) => 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y) + 0.3 * y;
const Ax = (x: number, y: number) => Math.PI * Math.cos(2 * Math.PI * x) * Math.cos(Math.PI * y);
const Ay = (x: number, y: number) => -0.5 * Math.PI * Math.sin(2 * Math.PI * x) * Math.sin(Math.PI * y) + 0.3;
const F = (x: number, y: number) => -(Ax(x, y) * Ux(x, y) + Ay(x, y) * Uy(x, y) + A(x, y) * Lap(x, y));

function maxErr(u: Float64Array, s: number): number {
  let m = 0;
  for (let j = 0; j < s; j++) for (let i = 0; i < s; i++) m = Math.max(m, Math.abs(u[j * s + i] - U(i / (s - 1), j / (s - 1))));
  return m;
}

function randomVector(seed: number, n: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

describe('solvers/darcy (5-point FD + PCG)', () => {
  it('converges at second order for a smooth coefficient (manufactured solution)', () => {
    const errs = [16, 32, 64].map((n) => {
      const s = n + 1;
      const r = solveDarcy(nodes2d(s, A), { f: nodes2d(s, F), tol: 1e-12 });
      expect(r.converged).to.equal(true);
      return maxErr(r.u, s);
    });
    expect(Math.log2(errs[0] / errs[1])).to.be.within(1.85, 2.15);
    expect(Math.log2(errs[1] / errs[2])).to.be.within(1.85, 2.15);
    expect(errs[2]).to.be.below(5e-4);
  });

  it('every preconditioner reaches the same solution; preconditioning cuts iterations', () => {
    const s = 33;
    const rng = new Rng(5);
    const a = Float64Array.from({ length: s * s }, () => (rng.uniform() < 0.5 ? 3 : 12));
    const results = (['none', 'jacobi', 'ic0', 'multigrid'] as const).map((p) => solveDarcy(a, { preconditioner: p, tol: 1e-10 }));
    for (const r of results) {
      expect(r.converged).to.equal(true);
      const last = r.residualHistory[r.residualHistory.length - 1];
      expect(last).to.be.below(1e-10);
      expect(r.residualHistory[0]).to.equal(1);
      for (let q = 0; q < a.length; q++) expect(r.u[q]).to.be.closeTo(results[0].u[q], 1e-9);
    }
    const [none, , ic0, mg] = results.map((r) => r.iterations);
    expect(ic0).to.be.below(none / 2);
    expect(mg).to.be.below(15);
  });

  it('multigrid-PCG iteration count stays bounded as the grid is refined', () => {
    const its = [32, 64, 128].map((n) => {
      const a = nodes2d(n + 1, (x, y) => (Math.sin(7 * x) * Math.cos(5 * y) > 0 ? 12 : 3));
      return solveDarcy(a, { preconditioner: 'multigrid', tol: 1e-8 }).iterations;
    });
    expect(its[2]).to.be.at.most(its[0] + 4);
    expect(its[2]).to.be.below(20);
  });

  it('the V-cycle is a symmetric operator and the banded Cholesky solve is exact', () => {
    const n = 16;
    const a = nodes2d(n + 1, (x, y) => 1 + x * y + (x > 0.5 ? 4 : 0));
    const op = diffusionOperator(a, n);
    const mg = new Multigrid(op);
    const u = randomVector(1, op.size),
      v = randomVector(2, op.size);
    const mu = new Float64Array(op.size),
      mv = new Float64Array(op.size);
    mg.vcycle(u, mu);
    mg.vcycle(v, mv);
    let a1 = 0,
      a2 = 0;
    for (let i = 0; i < op.size; i++) {
      a1 += v[i] * mu[i];
      a2 += u[i] * mv[i];
    }
    expect(a1).to.be.closeTo(a2, 1e-10 * Math.abs(a1));
    const x = factorFivePoint(op).solve(u);
    const ax = new Float64Array(op.size);
    op.apply(x, ax);
    for (let i = 0; i < op.size; i++) expect(ax[i]).to.be.closeTo(u[i], 1e-9);
  });

  it('pcg reports non-convergence honestly and validates input', () => {
    const op = laplacianOperator(16);
    const b = interiorOf(new Float64Array(17 * 17).fill(1), 16);
    const r = pcg((x, y) => op.apply(x, y), b, { maxIter: 3 });
    expect(r.converged).to.equal(false);
    expect(r.iterations).to.equal(3);
    expect(() => solveDarcy(new Float64Array(10))).to.throw(/s\*s/);
    expect(() => solveDarcy(new Float64Array(9).fill(-1))).to.throw(/positive/);
  });
});
