// Kovasznay flow (Re = 20): steady Navier-Stokes for (u, v, p) with the exact solution on the boundary.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Kovasznay flow',
  pinn.problems.kovasznay(),
  {
    net: { hidden: [50, 50, 50, 50] },
    points: { domain: 1000, boundary: 200 },
    optimizer: { name: 'adam', lr: 1e-3 },
  },
  2000,
);
