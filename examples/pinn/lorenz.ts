// Lorenz inverse problem: recover C1 = 10, C2 = 15, C3 = 8/3 from an RK4 trajectory (unknowns start at 1).
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Lorenz inverse',
  pinn.problems.lorenzInverse(),
  {
    net: { hidden: [40, 40, 40] },
    points: { domain: 400, boundary: 2 },
    optimizer: { name: 'adam', lr: 1e-3 },
  },
  3000,
);
