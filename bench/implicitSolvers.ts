// Gradients through the grid solvers: implicit differentiation (solvers/differentiable.ts) against
// differentiating the unrolled iterations. Per method: host solver iterations, the wasm working memory
// (arena bytes) of the compiled gradient program, gradient error against the tight implicit gradient,
// and the time of one jitted value-and-gradient step (median of 5). --quick: a 17 x 17 grid instead of 33 x 33
// and the two longest unrolled cases left out.
// Run: npx tsx bench/implicitSolvers.ts [--quick] [--write]   (under a minute; times are noisy on the shared machine)
import { loadavg } from 'node:os';
import * as fx from '../index.js';
import { diffusionApply, interior, zeroBoundary } from '../solvers/diffusionOps.js';
import { diffusionSolver, semilinearSolver, type GridSolver } from '../solvers/differentiable.js';
import { rand64, relErr } from '../test/support/check.js';
import { unrolledCg } from '../test/support/unrolledCg.js';
import { gradArenaBytes } from './arena.js';
import { mdTable } from './markdown.js';
import { medianMs } from './timing.js';
import { writeResults } from './results.js';

const quick = process.argv.includes('--quick');
const n = quick ? 16 : 32;
const s = n + 1;
const a = rand64([s, s], 1, 0.5, 2);
const fLinear = rand64([s, s], 2, 0, 40);
const fStrong = fx.mul(fLinear, 10); // the Newton problem: the cubic term dominates
const obs = rand64([s, s], 3, 0, 0.05);
const lossOf = (solver: GridSolver) => (aa: fx.Tensor, ff: fx.Tensor) => fx.sum(fx.square(fx.sub(solver(ff, aa), obs)));

const unrolledLinear =
  (iterations: number): GridSolver =>
  (ff, aa) =>
    zeroBoundary(unrolledCg((p) => diffusionApply(p, aa), interior(ff), iterations));
/** Newton with a fixed number of steps, each an unrolled CG on J = A + diag(3 u^2). */
const unrolledNewton =
  (steps: number, iterations: number): GridSolver =>
  (ff, aa) => {
    const fi = interior(ff);
    let u = fx.zerosLike(fi);
    for (let k = 0; k < steps; k++) {
      const r = fx.sub(fx.add(diffusionApply(u, aa), fx.pow(u, 3)), fi);
      const w = fx.mul(fx.square(u), 3);
      u = fx.sub(
        u,
        unrolledCg((p) => fx.add(diffusionApply(p, aa), fx.mul(w, p)), r, iterations),
      );
    }
    return zeroBoundary(u);
  };

interface Row {
  method: string;
  iterations: string;
  solver: GridSolver;
  f: fx.Tensor;
}
const counted = (make: (onSolve: (it: number) => void) => GridSolver) => {
  const log: number[] = [];
  return { solver: make((it) => log.push(it)), log };
};
const cgTight = counted((onSolve) => diffusionSolver({ preconditioner: 'none', tol: 1e-12, onSolve }));
const newtonTight = counted((onSolve) => semilinearSolver({ tol: 1e-12, newtonTol: 1e-12, onSolve }));
const reference = (solver: GridSolver, f: fx.Tensor) => (fx.grad(lossOf(solver))(a, f) as fx.Tensor).dataSync();
const refLinear = reference(cgTight.solver, fLinear);
const refNewton = reference(newtonTight.solver, fStrong);

const rows: Row[] = [];
for (const it of quick ? [10, 40] : [10, 20, 40, 80])
  rows.push({ method: 'unrolled CG', iterations: `${it}`, solver: unrolledLinear(it), f: fLinear });
for (const [kind, tol] of [
  ['none', 1e-4],
  ['none', 1e-8],
  ['none', 1e-12],
  ['multigrid', 1e-12],
] as const) {
  const c = counted((onSolve) => diffusionSolver({ preconditioner: kind, tol, onSolve }));
  reference(c.solver, fLinear);
  rows.push({ method: `implicit PCG (${kind}, tol ${tol})`, iterations: c.log.join(' + '), solver: c.solver, f: fLinear });
}
const vcycles = counted((onSolve) => diffusionSolver({ method: 'multigrid', tol: 1e-12, onSolve }));
reference(vcycles.solver, fLinear);
rows.push({ method: 'implicit multigrid V-cycles (tol 1e-12)', iterations: vcycles.log.join(' + '), solver: vcycles.solver, f: fLinear });
for (const [steps, it] of quick
  ? [[4, 20]]
  : [
      [4, 20],
      [8, 40],
    ]) {
  rows.push({ method: 'unrolled Newton', iterations: `${steps} x ${it}`, solver: unrolledNewton(steps, it), f: fStrong });
}
rows.push({
  method: 'implicit Newton (PCG multigrid, tol 1e-12)',
  iterations: newtonTight.log.join(' + '),
  solver: newtonTight.solver,
  f: fStrong,
});

const results = rows.map(({ method, iterations, solver, f }) => {
  const loss = lossOf(solver);
  const arenaKiB = gradArenaBytes(loss, [a, f]) / 1024;
  const gradientError = relErr((fx.grad(loss)(a, f) as fx.Tensor).dataSync(), f === fLinear ? refLinear : refNewton);
  const step = fx.jit(fx.valueAndGrad(loss));
  return { method, iterations, arenaKiB, gradientError, stepMs: medianMs(5, () => step(a, f)) };
});

console.log(`-div(a grad u) (+ u^3) = f on a ${s} x ${s} node grid (${(n - 1) ** 2} unknowns), loss sum (u - obs)^2, gradient
wrt the node coefficient a. Iterations: host PCG iterations (forward + adjoint solve) for the implicit rows,
the unrolled count (Newton: steps x CG iterations) for the others; implicit Newton's forward count sums the
PCG iterations of all its Newton steps. Arena: working memory of the compiled gradient program on the wasm
backend. Gradient error: relative L2 against the implicit gradient at tol 1e-12. Step: median wall time of
one jitted value-and-gradient call; load average ${loadavg()[0].toFixed(2)} (shared 2-core machine).
`);
console.log(
  mdTable(
    ['method', 'iterations', 'arena KiB', 'gradient error', 'step ms'],
    results.map((r) => [r.method, r.iterations, r.arenaKiB.toFixed(0), r.gradientError.toExponential(1), r.stepMs.toFixed(1)]),
  ),
);
writeResults('implicitSolvers', { date: new Date().toISOString(), grid: s, loadavg: loadavg()[0], rows: results });
