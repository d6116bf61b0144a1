// 1D Burgers, nu = 0.01/pi, u0 = -sin(pi x); L2 relative error against the PINNacle COMSOL data.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample('Burgers 1D', pinn.problems.burgers1d(), {
  net: { hidden: [32, 32, 32] }, points: { domain: 2000, boundary: 100, initial: 200 }, resampleEvery: 100,
  optimizer: { name: 'adam', lr: 1e-3 },
}, 2000);
