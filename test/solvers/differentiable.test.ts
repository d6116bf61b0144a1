// Differentiable grid solvers: gradients through PCG (plain and multigrid-preconditioned) and Newton come
// from the implicit function theorem. Checked against central finite differences (f64), against the host
// solvers' own answers, and for memory that stays flat in solver iterations unlike unrolled differentiation.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { diffusionApply, interior } from '../../solvers/diffusionOps.js';
import { diffusionSolver, semilinearSolver, type GridSolver } from '../../solvers/differentiable.js';
import { diffusionOperator } from '../../solvers/stencil2d.js';
import { solveDarcy } from '../../solvers/darcy.js';
import { solvePoisson2d } from '../../solvers/poisson.js';
import { semilinearResidual, solveSemilinear } from '../../solvers/semilinear.js';
import { preconditionerFor } from '../../solvers/spdSolve.js';
import { fdGrad, rand64, relErr } from '../support/check.js';
import { unrolledCg } from '../support/unrolledCg.js';
import { gradArenaBytes } from '../../bench/arena.js';

const n = 16; // intervals per side: multigrid coarsens 16 -> 8 -> 4
const s = n + 1;
const a = rand64([s, s], 11, 0.5, 2);
const f = rand64([s, s], 12, 0, 40);
const fStrong = fx.mul(f, 10); // u = O(1..10): the cubic term dominates
const obs = rand64([s, s], 13, 0, 0.05);
const weights = rand64([s, s], 14, 0.5, 1.5);
const lossOf = (solve: GridSolver) => (aa: fx.Tensor, ff: fx.Tensor) => fx.sum(fx.mul(weights, fx.square(fx.sub(solve(ff, aa), obs))));
// a's entries checked by finite differences: interior, edge (they set boundary faces) and spread out
const aEntries = [1, 5, s + 1, 3 * s + 7, 8 * s + 8, 10 * s + 3, 12 * s + 16, 15 * s + 9, 16 * s + 4];
const fEntries = [s + 1, 4 * s + 9, 8 * s + 8, 13 * s + 2, 15 * s + 15];

/** Gradient of the loss wrt a and f against central differences on the entries above; returns the solves per gradient. */
function checkGradients(make: (onSolve: (it: number) => void) => GridSolver, tol: number, f: fx.Tensor): number[] {
  const iterations: number[] = [];
  const loss = lossOf(make((it) => iterations.push(it)));
  const [ga, gf] = fx.grad(loss, [0, 1])(a, f) as fx.Tensor[];
  const perGradient = iterations.splice(0);
  const value = (x: fx.Tensor, y: fx.Tensor) => loss(x, y).item();
  const pick = (g: fx.Tensor, idx: number[]) => idx.map((i) => g.dataSync()[i]);
  expect(relErr(pick(ga, aEntries), fdGrad(value, [a, f], 0, 1e-5, aEntries))).to.be.below(tol);
  expect(relErr(pick(gf, fEntries), fdGrad(value, [a, f], 1, 1e-5, fEntries))).to.be.below(tol);
  // corners of a touch no face and f's boundary no equation: their gradients are exactly zero
  expect(ga.dataSync()[0]).to.equal(0);
  expect(gf.dataSync()[3]).to.equal(0);
  return perGradient;
}

describe('differentiable grid solvers (implicit differentiation through solvers/)', () => {
  it('diffusionApply matches the host five-point operator', () => {
    const u = rand64([n - 1, n - 1], 15);
    const want = new Float64Array((n - 1) ** 2);
    diffusionOperator(a.dataSync() as Float64Array, n).apply(u.dataSync() as Float64Array, want);
    expect(relErr(diffusionApply(u, a).dataSync(), want)).to.be.below(1e-13);
  });

  it('diffusionSolver returns the Darcy solution of solvers/darcy.ts', () => {
    const u = diffusionSolver({ preconditioner: 'multigrid', tol: 1e-12 })(f, a);
    const want = solveDarcy(a.dataSync() as Float64Array, { f: f.dataSync() as Float64Array, tol: 1e-12 }).u;
    expect(relErr(u.dataSync(), want)).to.be.below(1e-10);
  });

  it('with a = 1 it is the Poisson solve of solvers/poisson.ts; multigrid V-cycles alone agree with PCG', () => {
    const ones = fx.add(fx.zerosLike(a), 1);
    const want = solvePoisson2d(f.dataSync() as Float64Array, { method: 'direct' }).u;
    expect(relErr(diffusionSolver({ tol: 1e-12 })(f, ones).dataSync(), want)).to.be.below(1e-10);
    let cycles = 0;
    const u = diffusionSolver({ method: 'multigrid', tol: 1e-12, onSolve: (it) => (cycles = it) })(f, a);
    expect(relErr(u.dataSync(), diffusionSolver({ tol: 1e-12 })(f, a).dataSync())).to.be.below(1e-10);
    expect(cycles).to.be.within(3, 30);
    expect(() => diffusionSolver({ method: 'multigrid', tol: 1e-12, maxIter: 2 })(f, a)).to.throw(
      /diffusionSolver: multigrid did not converge in 2 iterations/,
    );
  });

  it('gradients through multigrid V-cycles match finite differences', () => {
    const solves = checkGradients((onSolve) => diffusionSolver({ method: 'multigrid', tol: 1e-13, onSolve }), 1e-6, f);
    expect(solves).to.have.length(2);
  });

  for (const preconditioner of ['none', 'multigrid'] as const) {
    it(`gradients through PCG (preconditioner ${preconditioner}) match finite differences, one adjoint solve each`, () => {
      const solves = checkGradients((onSolve) => diffusionSolver({ preconditioner, tol: 1e-13, onSolve }), 1e-6, f);
      expect(solves).to.have.length(2); // forward + adjoint, the adjoint by the same solver
      expect(Math.min(...solves)).to.be.above(preconditioner === 'none' ? 20 : 3);
    });
  }

  it('semilinearSolver: Newton converges on -div(a grad u) + u^3 = f and the cubic term matters', () => {
    const A = diffusionOperator(a.dataSync() as Float64Array, n);
    const fi = interior(fStrong).dataSync() as Float64Array;
    const host = solveSemilinear(A, fi, preconditionerFor(A, {}));
    expect(host.newtonSteps).to.be.above(3);
    const u = semilinearSolver()(fStrong, a);
    const r = new Float64Array(fi.length);
    semilinearResidual(A, interior(u).dataSync() as Float64Array, fi, r);
    expect(relErr(r, new Float64Array(r.length), 1) / relErr(fi, new Float64Array(fi.length), 1)).to.be.below(1e-9);
    expect(relErr(interior(u).dataSync(), host.u)).to.be.below(1e-12);
    // the linear solve alone is far off
    expect(relErr(u.dataSync(), diffusionSolver()(fStrong, a).dataSync())).to.be.above(0.5);
  });

  it('gradients through Newton (root rule) match finite differences', () => {
    const solves = checkGradients((onSolve) => semilinearSolver({ tol: 1e-13, newtonTol: 1e-13, onSolve }), 1e-5, fStrong); // f ~ 400: rounding in the differences ~1e-7
    expect(solves).to.have.length(2);
  });

  it('working memory of the gradient stays flat in solver iterations, unlike unrolled CG', () => {
    const loss = (solver: GridSolver) => (aa: fx.Tensor, ff: fx.Tensor) => fx.sum(fx.square(fx.sub(solver(ff, aa), obs)));
    const unrolled =
      (iterations: number): GridSolver =>
      (ff, aa) =>
        fx.pad(
          unrolledCg((p) => diffusionApply(p, aa), interior(ff), iterations),
          [1, 1],
          [1, 1],
        );
    const [u10, u40] = [10, 40].map((it) => gradArenaBytes(loss(unrolled(it)), [a, f]));
    // loose and tight tolerances: a few versus many host iterations, the same compiled program size
    const loose = gradArenaBytes(loss(diffusionSolver({ preconditioner: 'none', tol: 1e-2 })), [a, f]);
    const tight = gradArenaBytes(loss(diffusionSolver({ preconditioner: 'none', tol: 1e-12 })), [a, f]);
    const newton = gradArenaBytes(loss(semilinearSolver()), [a, f]);
    expect(u40).to.be.above(3 * u10);
    expect(tight).to.equal(loose);
    expect(tight).to.be.below(0.25 * u10);
    expect(newton).to.be.below(0.25 * u10);
  });

  it('composes with jit and vmap over forcings (one host solve per example), and runs in f32', () => {
    let solves = 0;
    const solver = diffusionSolver({ onSolve: () => solves++ });
    const fs = fx.stack([f, fx.mul(f, -0.5), fx.add(f, 3)]);
    const loss = (aa: fx.Tensor) => fx.sum(fx.square(fx.vmap(solver, [0, null])(fs, aa) as fx.Tensor));
    const step = fx.jit(fx.grad(loss));
    step(a);
    solves = 0;
    const g = step(a) as fx.Tensor;
    expect(solves).to.equal(6); // 3 forward + 3 adjoint
    const eager = [0, 1, 2].map(
      (i) => fx.grad((aa: fx.Tensor) => fx.sum(fx.square(solver(fx.reshape(fx.sliceAxis(fs, 0, i, i + 1), [s, s]), aa))))(a) as fx.Tensor,
    );
    expect(relErr(g.dataSync(), (fx.add(fx.add(eager[0], eager[1]), eager[2]) as fx.Tensor).dataSync())).to.be.below(1e-10);
    const u32 = solver(fx.cast(f, 'f32'), fx.cast(a, 'f32'));
    expect(u32.dtype).to.equal('f32');
    expect(relErr(u32.dataSync(), solver(f, a).dataSync())).to.be.below(1e-6);
  });

  it('bad grids are named', () => {
    expect(() => diffusionSolver()(fx.zerosLike(a), fx.reshape(a, [s * s]))).to.throw(/diffusionSolver: a must be an \[s, s\] node grid/);
    expect(() => semilinearSolver()(interior(f), a)).to.throw(/semilinearSolver: f must be \[17, 17\] like a/);
    expect(() => diffusionSolver()(f, fx.neg(a))).to.throw(/coefficient must be positive everywhere/);
  });
});
