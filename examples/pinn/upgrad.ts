// Jacobian descent with UPGrad (Quinton & Rey 2024) from the library API, the problem of configs/heat1d-upgrad.yaml:
// the heat equation u_t = D u_xx on x in [0, 1], t in [0, 1], D = 0.1, u(0, t) = u(1, t) = 0, u(x, 0) = sin(pi x),
// exact u = exp(-D pi^2 t) sin(pi x). With `optimizer: { name: 'upgrad' }` the trainer hands the optimizer one
// gradient per loss term (pde, bc, ic); UPGrad projects each onto the dual cone of their Jacobian (directions that
// raise no term to first order) and steps along the mean of the projections with Adam. The same run with plain Adam
// (one gradient of the summed loss) follows for comparison.
// Run: npx tsx examples/pinn/upgrad.ts [--steps N]   (3000 steps: about 30 s per optimizer on one core)
import { pathToFileURL } from 'node:url';
import { interval, timeDomain } from '../../meshes/index.js';
import type * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

/** The 1D heat equation with a decaying sine as exact solution; three named loss terms. */
export function heat1d(D = 0.1): pinn.ProblemSpec {
  return {
    coords: ['x', 't'],
    fields: ['u'],
    domain: timeDomain(interval(0, 1), 0, 1),
    pde: `u_t - ${D}*u_xx`,
    exact: { u: `exp(-${D}*pi^2*t)*sin(pi*x)` },
    conditions: [
      { kind: 'dirichlet', field: 'u', value: 0, name: 'bc' },
      { kind: 'initial', field: 'u', value: 'sin(pi*x)', name: 'ic' },
    ],
  };
}

/** The network, points and optimizer of configs/heat1d-upgrad.yaml (`optimizer`: 'upgrad' or the 'adam' baseline). */
export function heatOptions(optimizer: 'upgrad' | 'adam', seed = 0): Omit<pinn.SolveOptions, 'steps'> {
  return {
    net: { hidden: [20, 20, 20], activation: 'tanh', seed },
    seed,
    points: { domain: 1000, boundary: 100, initial: 100 },
    optimizer: { name: optimizer, lr: 2e-3 },
  };
}

function cli(): void {
  for (const optimizer of ['upgrad', 'adam'] as const) runExample(`heat 1D, ${optimizer}`, heat1d(), heatOptions(optimizer), 3000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) cli();
