// 2D Helmholtz lap u + u = q with u = sin(pi x) sin(4 pi y); `--lra` uses learning-rate annealing.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

const lra = process.argv.includes('--lra');
runExample(`Helmholtz 2D (${lra ? 'LRA' : 'plain Adam'})`, pinn.problems.helmholtz2d(), {
  net: { hidden: [50, 50, 50, 50] }, points: { domain: 1000, boundary: 400 }, resampleEvery: 1,
  optimizer: lra ? { name: 'lra', lr: 1e-3, alpha: 0.1 } : { name: 'adam', lr: 1e-3 },
}, 2000);
