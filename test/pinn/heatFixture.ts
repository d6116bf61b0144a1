// The heat problem shared by the time-windowing tests (causal weighting, curriculum and sequential windows).
import type * as pinn from '../../pinn/index.js';
import { interval, timeDomain } from '../../meshes/index.js';

/** u_t = 0.1 u_xx on [0, 1] x [0, 1], u = 0 at x = 0, 1, u(x, 0) = sin(pi x). */
export const heat: pinn.ProblemSpec = {
  coords: ['x', 't'],
  fields: ['u'],
  domain: timeDomain(interval(0, 1), 0, 1),
  pde: 'u_t - 0.1*u_xx',
  conditions: [
    { kind: 'dirichlet', field: 'u', value: 0, name: 'bc' },
    { kind: 'initial', field: 'u', value: 'sin(pi*x)', name: 'ic' },
  ],
  exact: { u: 'exp(-0.1*pi^2*t)*sin(pi*x)' },
};

/** A tiny network and point set: a few steps run in milliseconds. */
export const small: pinn.TrainerOptions = {
  net: { hidden: [8] },
  points: { domain: 40, boundary: 8, initial: 8 },
  seed: 4,
  optimizer: { name: 'adam', lr: 1e-2 },
};
