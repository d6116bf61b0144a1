// 1D Burgers, nu = 0.01/pi, u0 = -sin(pi x); L2 relative error against the PINNacle COMSOL data.
// DeepXDE's recipe: Adam on fixed Sobol points, then f64 L-BFGS from the Adam parameters.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample('Burgers 1D', pinn.problems.burgers1d(), {
  net: { hidden: [32, 32, 32] }, points: { domain: 2540, boundary: 80, initial: 160 }, sampler: 'sobol',
  optimizer: { name: 'adam', lr: 1e-3 }, finetune: { steps: 5000, optimizer: { name: 'lbfgs', history: 50 } },
}, 10000);
