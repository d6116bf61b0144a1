// Writes data/pinnacle/poisson3d_cg.dat, the reference of bench/pinnacle/poisson3d-cg.yaml (PINNacle Poisson3d-CG,
// src/pde/poisson.py, class Poisson3D_ComplexGeometry; upstream's ref/poisson_3d.dat is not in its repository
// snapshot): -mu lap u + k^2 u = f on [0, 1]^3 minus four balls, du/dn = 0 on every boundary (box and balls),
// mu = 1, k = 8 below z = 0.5 and 10 above, f = 20 exp(sin(pi x) + sin(10 pi y) + sin(5 pi z)) (|p|^2 - 1) / (|p|^2 + 1)
// + 100 sin(pi x) sin(10 pi y) sin(5 pi z).
// Solved by solvers/cellHelmholtz.ts (cell-centred finite volumes on 160^3 cells, the balls as staircases of cells);
// the 80^3 solution against the mean of the eight fine cells in each coarse cell estimates the reference's own
// error. Written at every 5th cell centre (offset 2): 32^3 cells minus the balls, rows x y z u.
// Usage: npx tsx examples/data/pinnaclePoisson3dCg.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveCellHelmholtz, type CellHelmholtzResult } from '../../solvers/cellHelmholtz.js';

const BALLS = [
  [0.4, 0.3, 0.6, 0.2],
  [0.6, 0.7, 0.6, 0.2],
  [0.2, 0.8, 0.7, 0.1],
  [0.6, 0.2, 0.3, 0.1],
];

export const poisson3dCgInside = (p: readonly number[]): boolean =>
  BALLS.every(([cx, cy, cz, r]) => (p[0] - cx) ** 2 + (p[1] - cy) ** 2 + (p[2] - cz) ** 2 > r * r);

export function poisson3dCgSource(p: readonly number[]): number {
  const [x, y, z] = p;
  const len2 = x * x + y * y + z * z;
  const sx = Math.sin(Math.PI * x),
    sy = Math.sin(10 * Math.PI * y),
    sz = Math.sin(5 * Math.PI * z);
  return (20 * Math.exp(sx + sy + sz) * (len2 - 1)) / (len2 + 1) + 100 * sx * sy * sz;
}

function solve(n: number): CellHelmholtzResult {
  return solveCellHelmholtz({
    min: [0, 0, 0],
    max: [1, 1, 1],
    cells: [n, n, n],
    reaction: (p) => (p[2] < 0.5 ? 64 : 100),
    source: poisson3dCgSource,
    inside: poisson3dCgInside,
    tol: 1e-10,
  });
}

function main(): void {
  const n = 160;
  const fine = solve(n);
  const coarse = solve(n / 2);
  const m = n / 2;
  let num = 0,
    den = 0;
  for (let k = 0; k < m; k++)
    for (let j = 0; j < m; j++)
      for (let i = 0; i < m; i++) {
        const c = coarse.u[i + m * (j + m * k)];
        if (Number.isNaN(c)) continue;
        let s = 0,
          cnt = 0;
        for (let d = 0; d < 8; d++) {
          const v = fine.u[2 * i + (d & 1) + n * (2 * j + ((d >> 1) & 1) + n * (2 * k + (d >> 2)))];
          if (!Number.isNaN(v)) {
            s += v;
            cnt++;
          }
        }
        if (cnt === 0) continue;
        num += (c - s / cnt) ** 2;
        den += (s / cnt) ** 2;
      }
  console.log(
    `iterations ${fine.iterations} / ${coarse.iterations} (converged ${fine.converged}); 80^3 vs 160^3 relative L2 ${Math.sqrt(num / den).toExponential(2)}`,
  );
  const lines = [
    '% Model: PINNacle Poisson3d-CG, -lap u + k^2 u = f on [0, 1]^3 minus four balls, k = 8 (z < 0.5) or 10, du/dn = 0',
    '% Source: fluxion solvers/cellHelmholtz.ts (cell-centred finite volumes, 160^3 cells); examples/data/pinnaclePoisson3dCg.ts',
    '% x  y  z  u',
  ];
  const every = 5;
  let umin = Infinity,
    umax = -Infinity;
  for (let k = 2; k < n; k += every)
    for (let j = 2; j < n; j += every)
      for (let i = 2; i < n; i += every) {
        const v = fine.u[i + n * (j + n * k)];
        if (Number.isNaN(v)) continue;
        umin = Math.min(umin, v);
        umax = Math.max(umax, v);
        lines.push(`${fine.centres[0][i]} ${fine.centres[1][j]} ${fine.centres[2][k]} ${v.toPrecision(7)}`);
      }
  const out = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle/poisson3d_cg.dat');
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`u in [${umin.toPrecision(4)}, ${umax.toPrecision(4)}]; wrote ${lines.length - 3} rows to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
