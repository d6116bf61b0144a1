// Writes the coefficient table and reference of bench/pinnacle/poisson2d-ms.yaml (PINNacle Poisson2d-MS,
// src/pde/poisson.py, class Poisson2D_ManyArea; upstream's ref/poisson_manyarea.dat is not in its repository
// snapshot). The problem: a(x, y) lap u + f(x, y) = 0 on [-10, 10]^2 split into 5 x 5 blocks of side 4, with
// du/dn + u = 0 on the walls (DeepXDE's RobinBC with func = -u). Per block (ix, iy) from x and y:
// a = a_coef[ix][iy] and f = F00 + F11 sin(pi rx / 4) sin(pi ry / 4), (rx, ry) = position inside the block,
// F = f_coef.reshape(5, 5, 2, 2)[ix, iy] (the F01, F10 terms of upstream's sum multiply sin(0) and vanish).
// a lap u = -f is non-divergence form: lap u = -f / a in every block, u and its gradient continuous across blocks.
// Solved by solvers/cellHelmholtz.ts (cell-centred finite volumes, 800^2 cells, h = 0.025); the 400^2 solution,
// compared with the mean of the four fine cells in each coarse cell, estimates the reference's own error.
// Writes data/pinnacle/poisson2d_ms_coef.dat (block centres: x y a f00 f11, read with nearest interpolation) and
// data/pinnacle/poisson2d_ms.dat (every 8th cell centre of the 800^2 solution, offset 4: 100 x 100 rows x y u).
// Usage: npx tsx examples/data/pinnaclePoisson2dMs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveCellHelmholtz, type CellHelmholtzResult } from '../../solvers/cellHelmholtz.js';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle');
const BLOCKS = 5;
const SIDE = 4;
const X0 = -10;

const readNumbers = (file: string): number[] =>
  readFileSync(join(DATA, file), 'utf8')
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map(Number);

/** Block coefficients from upstream's tables: a[ix][iy], f00 and f11 likewise. */
export function poisson2dMsBlocks(): { a: number[][]; f00: number[][]; f11: number[][] } {
  const a = readNumbers('poisson_a_coef.dat');
  const f = readNumbers('poisson_f_coef.dat');
  if (a.length !== BLOCKS * BLOCKS || f.length !== 4 * BLOCKS * BLOCKS)
    throw new Error('poisson2dMsBlocks: unexpected coefficient table sizes');
  const grid = (get: (ix: number, iy: number) => number): number[][] =>
    Array.from({ length: BLOCKS }, (_, ix) => Array.from({ length: BLOCKS }, (_, iy) => get(ix, iy)));
  return {
    a: grid((ix, iy) => a[ix * BLOCKS + iy]),
    f00: grid((ix, iy) => f[(ix * BLOCKS + iy) * 4]),
    f11: grid((ix, iy) => f[(ix * BLOCKS + iy) * 4 + 3]),
  };
}

function solve(cells: number): CellHelmholtzResult {
  const { a, f00, f11 } = poisson2dMsBlocks();
  const block = (v: number): number => Math.min(BLOCKS - 1, Math.floor((v - X0) / SIDE));
  return solveCellHelmholtz({
    min: [X0, X0],
    max: [-X0, -X0],
    cells: [cells, cells],
    beta: 1,
    source: ([x, y]) => {
      const ix = block(x),
        iy = block(y);
      const rx = x - X0 - ix * SIDE,
        ry = y - X0 - iy * SIDE;
      const f = f00[ix][iy] + f11[ix][iy] * Math.sin((Math.PI * rx) / SIDE) * Math.sin((Math.PI * ry) / SIDE);
      return f / a[ix][iy];
    },
    tol: 1e-11,
    maxIter: 100000,
  });
}

function main(): void {
  const n = 800;
  const fine = solve(n);
  const coarse = solve(n / 2);
  let num = 0,
    den = 0;
  for (let j = 0; j < n / 2; j++)
    for (let i = 0; i < n / 2; i++) {
      const f = (di: number, dj: number): number => fine.u[2 * i + di + n * (2 * j + dj)];
      const mean = (f(0, 0) + f(1, 0) + f(0, 1) + f(1, 1)) / 4;
      num += (coarse.u[i + (n / 2) * j] - mean) ** 2;
      den += mean ** 2;
    }
  console.log(
    `iterations ${fine.iterations} (converged ${fine.converged}); 400^2 vs 800^2 relative L2 ${Math.sqrt(num / den).toExponential(2)}`,
  );
  let umin = Infinity,
    umax = -Infinity;
  for (const v of fine.u) {
    umin = Math.min(umin, v);
    umax = Math.max(umax, v);
  }
  console.log(`u in [${umin.toPrecision(4)}, ${umax.toPrecision(4)}]`);

  const { a, f00, f11 } = poisson2dMsBlocks();
  const coef = [
    '% PINNacle Poisson2d-MS block coefficients (upstream ref/poisson_a_coef.dat, ref/poisson_f_coef.dat) at the block centres',
    '% x  y  a  f00  f11',
  ];
  for (let iy = 0; iy < BLOCKS; iy++)
    for (let ix = 0; ix < BLOCKS; ix++)
      coef.push(`${X0 + SIDE * (ix + 0.5)} ${X0 + SIDE * (iy + 0.5)} ${a[ix][iy]} ${f00[ix][iy]} ${f11[ix][iy]}`);
  writeFileSync(join(DATA, 'poisson2d_ms_coef.dat'), coef.join('\n') + '\n');

  const lines = [
    '% Model: PINNacle Poisson2d-MS, a lap u + f = 0 on [-10, 10]^2 (5 x 5 blocks), du/dn + u = 0 on the walls',
    '% Source: fluxion solvers/cellHelmholtz.ts (cell-centred finite volumes, 800^2 cells); examples/data/pinnaclePoisson2dMs.ts',
    '% x  y  u',
  ];
  const every = 8;
  for (let j = every / 2; j < n; j += every)
    for (let i = every / 2; i < n; i += every)
      lines.push(`${fine.centres[0][i]} ${fine.centres[1][j]} ${fine.u[i + n * j].toPrecision(8)}`);
  writeFileSync(join(DATA, 'poisson2d_ms.dat'), lines.join('\n') + '\n');
  console.log(`wrote ${lines.length - 3} rows to data/pinnacle/poisson2d_ms.dat`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
