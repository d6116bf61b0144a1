// 2D Helmholtz lap u + u = q with u = sin(pi x) sin(4 pi y), Wang, Teng & Perdikaris 2021 settings: 4x50 tanh,
// Adam lr 1e-3 decayed 0.9 per 1000 steps, 128 residual + 4 x 128 boundary points redrawn every step, boundary
// weight 4 (their loss sums the four edge means). `--lra` uses learning-rate annealing (optim/lra.ts with its
// default statistic, as the authors' code computes it; bench/pinn.ts also runs the paper's raw formula).
// 40000 steps take ~10-15 min here.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

const lra = process.argv.includes('--lra');
const lr = { type: 'exponential', lr: 1e-3, decayRate: 0.9, decaySteps: 1000 };
runExample(
  `Helmholtz 2D (${lra ? 'LRA' : 'plain Adam'})`,
  pinn.problems.helmholtz2d(),
  {
    net: { hidden: [50, 50, 50, 50] },
    points: { domain: 128, boundary: 512 },
    resampleEvery: 1,
    weights: { bc: 4 },
    optimizer: lra ? { name: 'lra', lr, alpha: 0.1, updateEvery: 10 } : { name: 'adam', lr },
  },
  40000,
);
