// Diffusion-reaction u_t = u_xx + f on [-pi, pi] x [0, 1], f derived symbolically from the exact solution.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Diffusion-reaction',
  pinn.problems.diffusionReaction(),
  {
    net: { hidden: [32, 32, 32] },
    points: { domain: 1000, boundary: 100, initial: 200 },
    resampleEvery: 100,
    optimizer: { name: 'adam', lr: 1e-3 },
  },
  2000,
);
