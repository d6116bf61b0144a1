// 1D Burgers, nu = 0.01/pi, u0 = -sin(pi x); L2 relative error against the PINNacle COMSOL data.
// DeepXDE's recipe: Adam on fixed Sobol points, then L-BFGS from the Adam parameters (f32 here: it kept
// descending and is ~2.5x cheaper per step than f64). bench/pinn.ts measured 1.35e-2 after ~9500 L-BFGS steps.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Burgers 1D',
  pinn.problems.burgers1d(),
  {
    net: { hidden: [32, 32, 32], seed: 1 },
    seed: 1,
    points: { domain: 2540, boundary: 80, initial: 160 },
    sampler: 'sobol',
    optimizer: { name: 'adam', lr: 1e-3 },
    finetune: { steps: 10000, optimizer: { name: 'lbfgs', history: 50 }, dtype: 'f32' },
  },
  5000,
);
