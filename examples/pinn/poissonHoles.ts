// 2D Poisson -lap u = 0 on a square with four disk holes (PINNacle Poisson2d-C), against the COMSOL data.
import * as pinn from '../../pinn/index.js';
import { runExample } from './run.js';

runExample(
  'Poisson 2D with holes',
  pinn.problems.poisson2dHoles(),
  {
    net: { hidden: [32, 32, 32] },
    points: { domain: 1000, boundary: 200 },
    optimizer: { name: 'adam', lr: 1e-3 },
  },
  2000,
);
