// Writes configs/data/lorenz.dat, the observations of configs/lorenz-inverse.yaml: the Lorenz system
// x' = 10 (y - x), y' = x (15 - z) - y, z' = x y - (8/3) z from (-8, 7, 27) (DeepXDE's inverse example),
// integrated by classical RK4 (step 1e-3, pinn/problems.ts lorenzRk4) and sampled at 40 times in [0, 3].
// Usage: npx tsx examples/data/lorenz.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lorenzRk4 } from '../../pinn/problems.js';

const { t, xyz } = lorenzRk4({ samples: 40 });
const lines = [
  "% Model: Lorenz x' = 10 (y - x), y' = x (15 - z) - y, z' = x y - 8/3 z, (x, y, z)(0) = (-8, 7, 27)",
  '% Source: fluxion pinn/problems.ts lorenzRk4 (classical RK4, step 1e-3)',
  '% t                      x                      y                      z',
];
t.forEach((ti, i) => lines.push([ti, xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]].map((v) => v.toPrecision(17)).join('  ')));
const out = join(dirname(fileURLToPath(import.meta.url)), '../../configs/data/lorenz.dat');
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${t.length} rows to ${out}`);
