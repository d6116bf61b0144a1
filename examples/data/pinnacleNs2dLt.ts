// Writes data/pinnacle/ns2d_lt.dat, the reference of bench/pinnacle/ns2d-lt.yaml (PINNacle NS2d-LT, class
// NS2D_LongTime; upstream's ref/ns_long.dat is not in its repository snapshot): incompressible Navier-Stokes,
// nu = 1/100, in the channel [0, 2] x [0, 1], t in [0, 5], from rest; inflow u = sin(pi y) (sin(pi t) + sin(3 pi t)
// + sin(5 pi t)), v = 0 at x = 0, p = 0 at x = 2, no slip at y = 0, 1, body force f_y = -sin(pi x) sin(pi y) sin(pi t).
// Upstream gives only p = 0 at the outflow; we add du/dx = dv/dx = 0 there (a COMSOL-like open outlet).
// Solved by solvers/navierStokesChannel.ts (MAC grid 256 x 128, central differences, RK2 projection, dt = 1e-3) and
// written at every 4th cell centre (64 x 32) x 21 times (every 0.25) as rows `x y t u v p`. The run also solves
// on 128 x 64 cells and prints the relative L2 difference per frame and field (the reference's error estimate).
// Usage: npx tsx examples/data/pinnacleNs2dLt.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveChannelFlow, type ChannelFlowFrame } from '../../solvers/navierStokesChannel.js';

export const nsLongInflow = (y: number, t: number): number =>
  Math.sin(Math.PI * y) * (Math.sin(Math.PI * t) + Math.sin(3 * Math.PI * t) + Math.sin(5 * Math.PI * t));
export const nsLongForce = (x: number, y: number, t: number): [number, number] => [
  0,
  -Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * Math.sin(Math.PI * t),
];

export function solveNsLong(nx: number, dt: number, frames: number): ChannelFlowFrame[] {
  return solveChannelFlow({ lx: 2, ly: 1, nx, ny: nx / 2, nu: 0.01, inflow: nsLongInflow, force: nsLongForce, T: 5, dt, snapshots: frames })
    .frames;
}

function main(): void {
  const nx = 256,
    ny = 128,
    frames = 20,
    every = 4;
  const fine = solveNsLong(nx, 1e-3, frames);
  const coarse = solveNsLong(nx / 2, 2e-3, frames);
  // coarse cell (i, j) covers fine cells 2i..2i+1, 2j..2j+1: compare with their mean
  fine.forEach((f, k) => {
    const parts = (['u', 'v', 'p'] as const).map((name) => {
      let num = 0,
        den = 0;
      for (let j = 0; j < ny / 2; j++)
        for (let i = 0; i < nx / 2; i++) {
          const a =
            0.25 *
            (f[name][2 * j * nx + 2 * i] +
              f[name][2 * j * nx + 2 * i + 1] +
              f[name][(2 * j + 1) * nx + 2 * i] +
              f[name][(2 * j + 1) * nx + 2 * i + 1]);
          num += (coarse[k][name][j * (nx / 2) + i] - a) ** 2;
          den += a * a;
        }
      return `${name} ${Math.sqrt(num / Math.max(den, 1e-300)).toExponential(2)}`;
    });
    console.log(`t=${f.t.toFixed(2)}: 128x64 vs 256x128 rel ${parts.join(', ')}`);
  });
  const lines = [
    '% Model: PINNacle NS2d-LT, Navier-Stokes nu = 0.01 in [0, 2] x [0, 1], oscillating inflow, body force f_y = -sin(pi x) sin(pi y) sin(pi t)',
    '% Source: fluxion solvers/navierStokesChannel.ts (MAC 256 x 128, RK2 projection, dt 1e-3); examples/data/pinnacleNs2dLt.ts',
    '% x  y  t  u  v  p',
  ];
  const zero = { t: 0, u: new Float64Array(nx * ny), v: new Float64Array(nx * ny), p: new Float64Array(nx * ny) };
  for (const f of [zero, ...fine]) {
    for (let j = 1; j < ny; j += every)
      for (let i = 1; i < nx; i += every) {
        const c = j * nx + i;
        lines.push(
          `${((2 * (i + 0.5)) / nx).toPrecision(6)} ${((j + 0.5) / ny).toPrecision(6)} ${f.t.toPrecision(6)} ${f.u[c].toPrecision(7)} ${f.v[c].toPrecision(7)} ${f.p[c].toPrecision(7)}`,
        );
      }
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle/ns2d_lt.dat');
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`wrote ${lines.length - 3} rows to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
