// Writes configs/data/reaction-diffusion.dat, the reference of configs/reaction-diffusion.yaml:
// u_t = nu u_xx + rho u (1 - u) on x in [0, 2 pi) periodic, t in [0, 1], u0 = exp(-(x - pi)^2 / (2 (pi/4)^2)),
// solved by solvers/reactionDiffusion.ts (spectral, ETDRK4; 512 modes, dt = 1e-4: converged to ~1e-12)
// and written on 129 x-points (x = 2 pi repeats x = 0) x 51 times as rows `x t u`.
// Usage: npx tsx examples/data/reactionDiffusion.ts [nu] [rho]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveReactionDiffusion1d } from '../../solvers/reactionDiffusion.js';

const nu = Number(process.argv[2] ?? 3);
const rho = Number(process.argv[3] ?? 5);
const n = 512;
const every = 4; // write every 4th grid point: 128 per period
const times = 50;
const x = Float64Array.from({ length: n }, (_, j) => (2 * Math.PI * j) / n);
const u0 = x.map((xi) => Math.exp(-((xi - Math.PI) ** 2) / (2 * (Math.PI / 4) ** 2)));
const r = solveReactionDiffusion1d(u0, { nu, rho, T: 1, dt: 1e-4, snapshots: times });
const frames = [u0, ...r.snapshots];
const lines = [
  `% Model: Fisher-KPP u_t = ${nu} u_xx + ${rho} u (1 - u), periodic on [0, 2 pi), u0 = exp(-(x - pi)^2 / (2 (pi/4)^2))`,
  '% Source: fluxion solvers/reactionDiffusion.ts (spectral ETDRK4, 512 modes, dt 1e-4)',
  '% x                      t                      u',
];
frames.forEach((u, k) => {
  const t = k / times;
  for (let j = 0; j <= n; j += every)
    lines.push(`${(j === n ? 2 * Math.PI : x[j]).toPrecision(17)} ${t.toPrecision(17)} ${u[j % n].toPrecision(12)}`);
});
const out = join(dirname(fileURLToPath(import.meta.url)), '../../configs/data/reaction-diffusion.dat');
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${frames.length * (n / every + 1)} rows to ${out}`);
