// Writes data/pinnacle/gs.dat, the reference of bench/pinnacle/gs.yaml (PINNacle GS; upstream's ref/grayscott.dat
// is not in its repository snapshot): Gray-Scott u_t = 1e-5 lap u + 0.04 (1 - u) - u v^2,
// v_t = 5e-6 lap v - 0.1 v + u v^2 on [-1, 1]^2, t in [0, 200], u0 = 1 - exp(-80 ((x + 0.05)^2 + (y + 0.02)^2)),
// v0 = exp(-80 ((x - 0.05)^2 + (y - 0.02)^2)). PINNacle states no boundary condition; the pattern stays near the
// centre (u = 1, v = 0 at the edges throughout), so we take the domain periodic, as Chebfun's spin2 'GS', whose
// initial state this is, does. Solved by solvers/grayScott.ts (Fourier spectral ETDRK4, 512^2 modes, dt = 0.5) and
// written on every 8th grid point (65 x 65, x = 1 repeats x = -1) x 21 times (every 10) as rows `x y t tau u v`,
// tau = t / 200 being the scaled time coordinate of bench/pinnacle/gs.yaml.
// The run also solves on 256^2 and prints the relative L2 difference per frame (the reference's error estimate).
// Usage: npx tsx examples/data/pinnacleGs.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveGrayScott2d, type GrayScottResult } from '../../solvers/grayScott.js';

export const GS = { epsU: 1e-5, epsV: 5e-6, b: 0.04, d: 0.1, length: 2, T: 200 };
export const gsInitialU = (x: number, y: number): number => 1 - Math.exp(-80 * ((x + 0.05) ** 2 + (y + 0.02) ** 2));
export const gsInitialV = (x: number, y: number): number => Math.exp(-80 * ((x - 0.05) ** 2 + (y - 0.02) ** 2));

function solve(n: number, frames: number): GrayScottResult & { u0: Float64Array; v0: Float64Array } {
  const u0 = new Float64Array(n * n),
    v0 = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const x = -1 + (2 * c) / n,
        y = -1 + (2 * r) / n;
      u0[r * n + c] = gsInitialU(x, y);
      v0[r * n + c] = gsInitialV(x, y);
    }
  return { ...solveGrayScott2d(u0, v0, { ...GS, n, dt: 0.5, snapshots: frames }), u0, v0 };
}

function main(): void {
  const n = 512,
    every = 8,
    frames = 20;
  const fine = solve(n, frames);
  const coarse = solve(n / 2, frames);
  for (let s = 0; s < frames; s++) {
    for (const f of ['u', 'v'] as const) {
      let num = 0,
        den = 0;
      for (let r = 0; r < n / 2; r++)
        for (let c = 0; c < n / 2; c++) {
          const a = fine.snapshots[s][f][2 * r * n + 2 * c];
          num += (coarse.snapshots[s][f][r * (n / 2) + c] - a) ** 2;
          den += a * a;
        }
      process.stdout.write(`t=${fine.snapshots[s].t} ${f}: 256 vs 512 rel ${Math.sqrt(num / den).toExponential(2)}  `);
    }
    console.log();
  }
  const all = [{ t: 0, u: fine.u0, v: fine.v0 }, ...fine.snapshots];
  const lines = [
    '% Model: Gray-Scott u_t = 1e-5 lap u + 0.04 (1 - u) - u v^2, v_t = 5e-6 lap v - 0.1 v + u v^2, periodic on [-1, 1)^2, PINNacle initial state',
    '% Source: fluxion solvers/grayScott.ts (Fourier spectral ETDRK4, 512^2 modes, dt 0.5); examples/data/pinnacleGs.ts',
    '% x  y  t  tau  u  v',
  ];
  for (const fr of all) {
    for (let r = 0; r <= n; r += every)
      for (let c = 0; c <= n; c += every) {
        const i = (r % n) * n + (c % n);
        lines.push(
          `${(-1 + (2 * c) / n).toPrecision(6)} ${(-1 + (2 * r) / n).toPrecision(6)} ${fr.t.toPrecision(6)} ${(fr.t / GS.T).toPrecision(6)} ${fr.u[i].toPrecision(7)} ${fr.v[i].toPrecision(7)}`,
        );
      }
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle/gs.dat');
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`wrote ${lines.length - 3} rows to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
