// Recovering a diffusion coefficient field by differentiating through a solver: -div(a grad u) = f_j on the
// unit square with u = 0 on the boundary, four forcings f_j, and noisy observations of each u_j at every
// node. The solve is the multigrid-preconditioned CG of solvers/ running on the host, which the autodiff
// cannot see into; solvers/differentiable.ts differentiates it implicitly (one adjoint solve per gradient,
// memory independent of the CG iterations), and fx.vmap maps it over the forcings.
// Run: npx tsx examples/implicit/diffusionCoefficient.ts   (tens of seconds)
import * as fx from '../../index.js';
import { Adam } from '../../optim/index.js';
import { diffusionSolver } from '../../solvers/differentiable.js';

const n = 16; // intervals per side; a, f and u live on the (n + 1)^2 nodes
const s = n + 1;
const grid = (g: (x: number, y: number) => number) => Float64Array.from({ length: s * s }, (_, q) => g((q % s) / n, Math.floor(q / s) / n));
const aTrue = grid(
  (x, y) => 1 + 0.6 * Math.exp(-((x - 0.35) ** 2 + (y - 0.6) ** 2) / 0.03) - 0.3 * Math.sin(Math.PI * x) * Math.sin(2 * Math.PI * y),
);

const solve = diffusionSolver({ preconditioner: 'multigrid', tol: 1e-11 });
const solveAll = fx.vmap(solve, [0, null]); // [forcings, s, s] -> [forcings, s, s]

const modes: Array<[number, number]> = [
  [1, 1],
  [2, 1],
  [1, 2],
  [3, 2],
];
const forcings = fx.tensor(
  modes.flatMap(([p, q]) => Array.from(grid((x, y) => 20 * Math.cos(p * Math.PI * x) * Math.cos(q * Math.PI * y) + 10))),
  [modes.length, s, s],
  'f64',
);
const clean = solveAll(forcings, fx.tensor(aTrue, [s, s], 'f64')) as fx.Tensor;
const scale = Math.max(...Array.from(clean.dataSync(), Math.abs));
const observed = fx.add(clean, fx.mul(fx.random.normal(7, clean.shape, 'f64'), 0.01 * scale)); // 1% noise

// a = exp(theta) keeps it positive; a small smoothness penalty regularises the noise
const diffSq = (t: fx.Tensor, axis: number) => fx.sum(fx.square(fx.sub(fx.sliceAxis(t, axis, 1, s), fx.sliceAxis(t, axis, 0, n))));
const loss = (theta: fx.Tensor) => {
  const misfit = fx.mean(fx.square(fx.sub(solveAll(forcings, fx.exp(theta)) as fx.Tensor, observed)));
  return fx.add(fx.div(misfit, scale * scale), fx.mul(fx.add(diffSq(theta, 0), diffSq(theta, 1)), 2e-5));
};
const step = fx.jit(fx.valueAndGrad(loss));
const theta = new Float64Array(s * s); // a = 1 to start
const adam = new Adam({ lr: 0.03 });
const relErrA = () => {
  const a = theta.map(Math.exp);
  return Math.sqrt(a.reduce((acc, v, i) => acc + (v - aTrue[i]) ** 2, 0) / aTrue.reduce((acc, v) => acc + v * v, 0));
};
console.log(`start: relative L2 error of a ${relErrA().toFixed(4)}`);
const t0 = performance.now();
for (let it = 1; it <= 400; it++) {
  const [value, grad] = step(fx.tensor(theta, [s, s], 'f64')) as [fx.Tensor, fx.Tensor];
  adam.step(theta, grad.dataSync() as Float64Array);
  if (it % 100 === 0) console.log(`step ${it}: loss ${value.item().toExponential(3)}, relative L2 error of a ${relErrA().toFixed(4)}`);
}
console.log(`${((performance.now() - t0) / 1e3).toFixed(1)} s; noise 1% of max |u|`);
