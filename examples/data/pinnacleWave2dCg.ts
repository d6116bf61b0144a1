// Writes data/pinnacle/wave2d_cg_coef.dat and data/pinnacle/wave2d_cg.dat, the coefficient and the reference of
// bench/pinnacle/wave2d-cg.yaml (PINNacle Wave2d-CG, class Wave2D_Heterogeneous; upstream's ref/wave_darcy.dat and
// ref/darcy_2d_coef_256.dat are not in its repository snapshot, its data/darcy_2d_coef_256.png is).
// Coefficient: the 256 x 256 png (vendored unchanged) is the binary Darcy field of upstream's generate_darcy_2d_coef
// (values 12 and 1, drawn yellow and purple); pixel (row r, column c) is taken as the value at
// x = -1 + 2 c / 255, y = -1 + 2 r / 255 (numpy's array order, as plt.imsave writes it, mapped from upstream's
// [0, 1]^2 to the problem's [-1, 1]^2 as its interpolation at (x + 1) / 2 does). Written as rows `x y c`.
// Reference: u_tt = c lap u on [-1, 1]^2, t in [0, 5], u0 = exp(-((x + 0.5)^2 + y^2) / (2 0.3^2)), u_t(., 0) = 0,
// du/dn = 0 on the walls, solved by solvers/wave2d.ts (second-order finite differences, 511 x 511 nodes, c
// bilinear in the pixel grid, leapfrog dt = 5e-4) and written on every 10th node (52 x 52) x 21 times (every 0.25)
// as rows `x y t u`. The run also solves on 256 x 256 nodes and prints the relative L2 difference per frame.
// Usage: npx tsx examples/data/pinnacleWave2dCg.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng } from '../../meshes/data/png.js';
import { solveWave2dNeumann } from '../../solvers/wave2d.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle');

/** The red channel of an 8-bit RGB/RGBA PNG (row-major, row 0 = top). */
export function pngRedChannel(buf: Buffer): { width: number; height: number; red: Uint8Array } {
  const { width, height, channels, pixels } = decodePng(buf);
  return { width, height, red: Uint8Array.from({ length: width * height }, (_, k) => pixels[k * channels]) };
}

/** The Darcy coefficient on the 256 x 256 pixel grid: 12 where the png is yellow (red > 128), else 1. */
export function darcyCoefficient(): { n: number; c: Float64Array } {
  const { width, height, red } = pngRedChannel(readFileSync(join(DIR, 'darcy_2d_coef_256.png')));
  if (width !== height) throw new Error(`expected a square png, got ${width} x ${height}`);
  return { n: width, c: Float64Array.from(red, (v) => (v > 128 ? 12 : 1)) };
}

/** Bilinear value of the pixel grid (n x n over [-1, 1]^2) at (x, y). */
function bilinear(c: Float64Array, n: number, x: number, y: number): number {
  const px = Math.min(Math.max(((x + 1) / 2) * (n - 1), 0), n - 1),
    py = Math.min(Math.max(((y + 1) / 2) * (n - 1), 0), n - 1);
  const i = Math.min(Math.floor(px), n - 2),
    j = Math.min(Math.floor(py), n - 2),
    fx = px - i,
    fy = py - j;
  return (1 - fy) * ((1 - fx) * c[j * n + i] + fx * c[j * n + i + 1]) + fy * ((1 - fx) * c[(j + 1) * n + i] + fx * c[(j + 1) * n + i + 1]);
}

export const waveInitial = (x: number, y: number): number => Math.exp(-((x + 0.5) ** 2 + y ** 2) / (2 * 0.3 ** 2));

export function solveWave2dCg(cells: number, dt: number, frames: number) {
  const { n, c: pix } = darcyCoefficient();
  const W = cells + 1,
    u0 = new Float64Array(W * W),
    c = new Float64Array(W * W);
  for (let j = 0; j < W; j++)
    for (let i = 0; i < W; i++) {
      const x = -1 + (2 * i) / cells,
        y = -1 + (2 * j) / cells;
      u0[j * W + i] = waveInitial(x, y);
      c[j * W + i] = bilinear(pix, n, x, y);
    }
  return { u0, ...solveWave2dNeumann(u0, c, { nx: cells, ny: cells, x0: -1, x1: 1, y0: -1, y1: 1, T: 5, dt, snapshots: frames }) };
}

function main(): void {
  const { n, c } = darcyCoefficient();
  const coef = ['% Model: PINNacle Darcy coefficient (data/pinnacle/darcy_2d_coef_256.png: yellow 12, purple 1) on [-1, 1]^2', '% x  y  c'];
  for (let r = 0; r < n; r++)
    for (let k = 0; k < n; k++)
      coef.push(`${(-1 + (2 * k) / (n - 1)).toPrecision(8)} ${(-1 + (2 * r) / (n - 1)).toPrecision(8)} ${c[r * n + k]}`);
  writeFileSync(join(DIR, 'wave2d_cg_coef.dat'), coef.join('\n') + '\n');
  const cells = 510,
    every = 10,
    frames = 20;
  const fine = solveWave2dCg(cells, 5e-4, frames);
  const coarse = solveWave2dCg(cells / 2, 1e-3, frames);
  const W = cells + 1,
    Wc = cells / 2 + 1;
  fine.snapshots.forEach((s, k) => {
    let num = 0,
      den = 0;
    for (let j = 0; j < Wc; j++)
      for (let i = 0; i < Wc; i++) {
        const a = s.u[2 * j * W + 2 * i];
        num += (coarse.snapshots[k].u[j * Wc + i] - a) ** 2;
        den += a * a;
      }
    console.log(`t=${s.t.toFixed(2)}: 256 vs 511 nodes rel ${Math.sqrt(num / den).toExponential(2)}`);
  });
  const lines = [
    '% Model: PINNacle Wave2d-CG u_tt = c lap u, Neumann walls, u0 Gaussian at (-0.5, 0), u_t(0) = 0; c from wave2d_cg_coef.dat',
    '% Source: fluxion solvers/wave2d.ts (finite differences, 511^2 nodes, leapfrog dt 5e-4); examples/data/pinnacleWave2dCg.ts',
    '% x  y  t  u',
  ];
  for (const fr of [{ t: 0, u: fine.u0 }, ...fine.snapshots]) {
    for (let j = 0; j < W; j += every)
      for (let i = 0; i < W; i += every) {
        lines.push(
          `${(-1 + (2 * i) / cells).toPrecision(6)} ${(-1 + (2 * j) / cells).toPrecision(6)} ${fr.t.toPrecision(6)} ${fr.u[j * W + i].toPrecision(7)}`,
        );
      }
  }
  writeFileSync(join(DIR, 'wave2d_cg.dat'), lines.join('\n') + '\n');
  console.log(`wrote ${coef.length - 2} coefficient rows and ${lines.length - 3} reference rows to ${DIR}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
