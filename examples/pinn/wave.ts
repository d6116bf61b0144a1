// 1D wave u_tt = 4 u_xx with u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t).
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Wave 1D',
  pinn.problems.wave1d(),
  {
    net: { hidden: [64, 64, 64] },
    points: { domain: 1000, boundary: 200, initial: 200 },
    resampleEvery: 100,
    optimizer: { name: 'adam', lr: 1e-3 },
  },
  2000,
);
