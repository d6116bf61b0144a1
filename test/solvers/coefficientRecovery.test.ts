// solvers/coefficientRecovery.ts: the parametrisation of k, synthetic observations, the loss's terms, and the
// memory of its gradient program, which stays flat in the solver's iterations (vmapped over the forcings) while
// differentiating an unrolled CG grows with them.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { diffusionApply, interior, zeroBoundary } from '../../solvers/diffusionOps.js';
import { diffusionSolver, type GridSolver } from '../../solvers/differentiable.js';
import * as recovery from '../../solvers/coefficientRecovery.js';
import { unrolledCg } from '../support/unrolledCg.js';
import { gradArenaBytes } from '../../bench/arena.js';

const { coefficientOf, forcingStack, nodeGrid, parameterOf, recoveryLoss, relativeL2, solveEach, syntheticObservations } = recovery;

const n = 8;
const s = n + 1;
const kTrue = fx.tensor(
  nodeGrid(n, (x, y) => 1 + 0.5 * x * y),
  [s, s],
  'f64',
);
const forcings = forcingStack(n, [(x) => 10 + 5 * x, (_x, y) => 10 * Math.cos(Math.PI * y)]);
const tight = diffusionSolver({ tol: 1e-12 });

describe('solvers/coefficientRecovery', () => {
  it('parameterOf inverts coefficientOf (exp and softplus, small and large k)', () => {
    for (const positivity of ['exp', 'softplus'] as const)
      for (const k of [1e-3, 0.7, 5, 40]) {
        const theta = fx.tensor([parameterOf(k, positivity)], [1], 'f64');
        expect(coefficientOf(theta, positivity).item()).to.be.closeTo(k, 1e-12 * k);
      }
    expect(() => parameterOf(0, 'exp')).to.throw(RangeError);
  });

  it('noise of the stated size, seeded; at the truth the misfit is the noise variance over max |u|^2', () => {
    const a = syntheticObservations(tight, forcings, kTrue, 0.02, 5);
    const b = syntheticObservations(tight, forcings, kTrue, 0.02, 5);
    expect(a.observed.dataSync()).to.deep.equal(b.observed.dataSync());
    const clean = solveEach(tight)(forcings, kTrue).dataSync();
    expect(a.clean.dataSync()).to.deep.equal(clean);
    const loss = recoveryLoss({ solver: tight, forcings, observed: a.observed, scale: a.scale, positivity: 'exp', smoothness: 0 });
    const [, terms] = loss(fx.log(kTrue));
    // mean of (noise x scale x z)^2 / scale^2 over 2 x 81 draws: 0.02^2 within sampling error
    expect(terms.misfit.item() / 0.02 ** 2).to.be.within(0.7, 1.3);
    expect(relativeL2(coefficientOf(fx.log(kTrue), 'exp').dataSync(), kTrue.dataSync())).to.be.below(1e-15);
  });

  it('smoothness is the sum of squared neighbour differences of theta', () => {
    const theta = fx.tensor(
      nodeGrid(n, (x, y) => 2 * x + 3 * y),
      [s, s],
      'f64',
    );
    const [, terms] = recoveryLoss({ solver: tight, forcings, observed: forcings, positivity: 'exp', smoothness: 1 })(theta);
    // (2/n)^2 on each of s(s-1) x-edges, (3/n)^2 on each y-edge
    expect(terms.smoothness.item()).to.be.closeTo(((4 + 9) / n ** 2) * s * (s - 1), 1e-12);
  });

  it("the gradient program's memory does not grow with the solver's iterations; unrolled CG's does", () => {
    const { observed, scale } = syntheticObservations(tight, forcings, kTrue, 0.01, 1);
    const theta = fx.zeros([s, s], 'f64');
    const arena = (solver: GridSolver) =>
      gradArenaBytes((t) => recoveryLoss({ solver, forcings, observed, scale, positivity: 'exp', smoothness: 1e-4 })(t)[0], [theta]);
    const iterations = (make: (onSolve: (it: number) => void) => GridSolver) => {
      const log: number[] = [];
      const solver = make((it) => log.push(it));
      fx.grad((t: fx.Tensor) => recoveryLoss({ solver, forcings, observed, scale, positivity: 'exp', smoothness: 0 })(t)[0])(theta);
      return { bytes: arena(solver), total: log.reduce((p, q) => p + q, 0) };
    };
    const plain = iterations((onSolve) => diffusionSolver({ preconditioner: 'none', tol: 1e-12, onSolve }));
    const mg = iterations((onSolve) => diffusionSolver({ preconditioner: 'multigrid', tol: 1e-4, onSolve }));
    expect(plain.total).to.be.above(3 * mg.total);
    expect(plain.bytes).to.equal(mg.bytes); // 13.3 KiB for 83 and 12 iterations (forward + adjoint, both forcings)
    const unrolled =
      (it: number): GridSolver =>
      (f, a) =>
        zeroBoundary(unrolledCg((p) => diffusionApply(p, a), interior(f), it));
    const [u5, u20] = [arena(unrolled(5)), arena(unrolled(20))];
    expect(u20).to.be.above(2.5 * u5); // 42 and 156 KiB measured
    expect(u5).to.be.above(plain.bytes);
  });
});
