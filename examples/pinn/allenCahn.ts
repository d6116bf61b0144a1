// Allen-Cahn u_t = 0.001 u_xx + 5 (u - u^3) with the initial/boundary values built into the output transform.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Allen-Cahn',
  pinn.problems.allenCahn(),
  {
    net: { hidden: [32, 32, 32] },
    points: { domain: 2000 },
    resampleEvery: 100,
    rar: { every: 500, candidates: 2000, add: 50 },
    optimizer: { name: 'adam', lr: 1e-3 },
  },
  2000,
);
