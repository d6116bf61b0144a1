// Recovering a diffusion coefficient field by differentiating through a solver: -div(a grad u) = f_j on the
// unit square with u = 0 on the boundary, four forcings f_j, and noisy observations of each u_j at every
// node. The solve is the multigrid-preconditioned CG of solvers/ running on the host, which the autodiff
// cannot see into; solvers/differentiable.ts differentiates it implicitly (one adjoint solve per gradient,
// memory independent of the CG iterations), and solvers/coefficientRecovery.ts maps it over the forcings and
// builds the loss (the same code `fluxion run configs/diffusion-coefficient.yaml` trains).
// Run: npx tsx examples/implicit/diffusionCoefficient.ts   (tens of seconds)
import * as fx from '../../index.js';
import { Adam } from '../../optim/index.js';
import { diffusionSolver } from '../../solvers/differentiable.js';
import {
  coefficientOf,
  forcingStack,
  nodeGrid,
  recoveryLoss,
  relativeL2,
  syntheticObservations,
} from '../../solvers/coefficientRecovery.js';

const n = 16; // intervals per side; a, f and u live on the (n + 1)^2 nodes
const s = n + 1;
const aTrue = nodeGrid(
  n,
  (x, y) => 1 + 0.6 * Math.exp(-((x - 0.35) ** 2 + (y - 0.6) ** 2) / 0.03) - 0.3 * Math.sin(Math.PI * x) * Math.sin(2 * Math.PI * y),
);

const solver = diffusionSolver({ preconditioner: 'multigrid', tol: 1e-11 });
const modes: Array<[number, number]> = [
  [1, 1],
  [2, 1],
  [1, 2],
  [3, 2],
];
const forcings = forcingStack(
  n,
  modes.map(
    ([p, q]) =>
      (x: number, y: number) =>
        20 * Math.cos(p * Math.PI * x) * Math.cos(q * Math.PI * y) + 10,
  ),
);
const { observed, scale } = syntheticObservations(solver, forcings, fx.tensor(aTrue, [s, s], 'f64'), 0.01, 7); // 1% noise

// a = exp(theta) keeps it positive; a small smoothness penalty regularises the noise
const loss = recoveryLoss({ solver, forcings, observed, scale, positivity: 'exp', smoothness: 2e-5 });
const step = fx.jit(fx.valueAndGrad(loss, 0, { hasAux: true }));
const theta = new Float64Array(s * s); // a = 1 to start
const adam = new Adam({ lr: 0.03 });
const relErrA = () => relativeL2(coefficientOf(fx.tensor(theta, [s, s], 'f64'), 'exp').dataSync(), aTrue);
console.log(`start: relative L2 error of a ${relErrA().toFixed(4)}`);
const t0 = performance.now();
for (let it = 1; it <= 400; it++) {
  const [[value], grad] = step(fx.tensor(theta, [s, s], 'f64')) as [[fx.Tensor, unknown], fx.Tensor];
  adam.step(theta, grad.dataSync() as Float64Array);
  if (it % 100 === 0) console.log(`step ${it}: loss ${value.item().toExponential(3)}, relative L2 error of a ${relErrA().toFixed(4)}`);
}
console.log(`${((performance.now() - t0) / 1e3).toFixed(1)} s; noise 1% of max |u|`);
