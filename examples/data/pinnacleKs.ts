// Writes data/pinnacle/ks.dat, the reference of bench/pinnacle/ks.yaml (PINNacle KS; upstream's
// ref/Kuramoto_Sivashinsky.dat is not in its repository snapshot): u_t + alpha u u_x + beta u_xx + gamma u_xxxx = 0,
// alpha = 100/16, beta = 100/16^2, gamma = 100/16^4, periodic on [0, 2 pi), t in [0, 1], u0 = cos x (1 + sin x)
// (the classical KS on [0, 32 pi) x [0, 100] rescaled), solved by solvers/kuramotoSivashinsky.ts (spectral ETDRK4,
// 512 modes, dt = 5e-5; against 512 modes and dt = 2.5e-5 the relative L2 difference is below 3e-7 at every
// written time) and written on 257 x-points (x = 2 pi repeats x = 0) x 101 times as rows `x t u`.
// Usage: npx tsx examples/data/pinnacleKs.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveKuramotoSivashinsky1d } from '../../solvers/kuramotoSivashinsky.js';

export const KS = { alpha: 100 / 16, beta: 100 / 16 ** 2, gamma: 100 / 16 ** 4, T: 1 };
export const ksInitial = (x: number): number => Math.cos(x) * (1 + Math.sin(x));

function main(): void {
  const n = 512;
  const every = 2;
  const times = 100;
  const x = Float64Array.from({ length: n }, (_, j) => (2 * Math.PI * j) / n);
  const r = solveKuramotoSivashinsky1d(x.map(ksInitial), { ...KS, dt: 5e-5, snapshots: times });
  const frames = [x.map(ksInitial), ...r.snapshots];
  const lines = [
    '% Model: Kuramoto-Sivashinsky u_t + (100/16) u u_x + (100/16^2) u_xx + (100/16^4) u_xxxx = 0, periodic on [0, 2 pi), u0 = cos(x) (1 + sin(x))',
    '% Source: fluxion solvers/kuramotoSivashinsky.ts (spectral ETDRK4, 512 modes, dt 5e-5); examples/data/pinnacleKs.ts',
    '% x  t  u',
  ];
  frames.forEach((u, k) => {
    const t = k / times;
    for (let j = 0; j <= n; j += every)
      lines.push(`${(j === n ? 2 * Math.PI : x[j]).toPrecision(8)} ${t.toPrecision(8)} ${u[j % n].toPrecision(8)}`);
  });
  const out = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle/ks.dat');
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`wrote ${frames.length * (n / every + 1)} rows to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
