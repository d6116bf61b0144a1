// Writes data/pinnacle/heat2d_vc_coef.dat and data/pinnacle/heat2d_vc.dat, the coefficient and the reference of
// bench/pinnacle/heat2d-vc.yaml (PINNacle Heat2d-VC, class Heat2D_VaryingCoef). Upstream's coefficient table
// ref/heat_2d_coef_256.dat is not in its repository snapshot; its image data/heat_2d_coef_256.png (vendored
// unchanged) is, and it is recovered from it:
// - the png is the 256 x 256 field a = exp(g) of upstream's generate_heat_2d_coef (g a Gaussian random field
//   normalised to mean 0 and standard deviation 1) drawn with matplotlib's viridis on its own min..max: every pixel
//   is a viridis entry (within 2/255 per channel), so entry k gives the normalised value v = (k + 0.5) / 256;
// - a = a_min + v (a_max - a_min) with the two unknowns fixed by what upstream's normalisation guarantees:
//   log a has mean 0 and standard deviation 1 (a_max / a_min by bisection, then a_min from the mean).
// Pixel (row r, column c) is the value at x = c / 255, y = r / 255 (numpy's array order as plt.imsave writes it;
// upstream builds its table with meshgrid over linspace(0, 1, 256)).
// Reference: u_t = a lap u + 200 sin(pi x) sin(5 pi y) sin(pi t) on [0, 1]^2, t in [0, 5], u = 0 on the walls and at
// t = 0, solved by solvers/heatVaryingCoef.ts on the 256 x 256 pixel nodes (a at the nodes = upstream's nearest
// interpolation), Crank-Nicolson dt = 1e-2; written on every 5th node (52 x 52) x 21 times (every 0.25) as rows
// `x y t u`. The run also solves with dt = 2e-2 and on 86 x 86 nodes (every 3rd) and prints the relative L2 differences.
// Usage: npx tsx examples/data/pinnacleHeat2dVc.ts
import vtkColorMaps from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction/ColorMaps.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng } from '../../meshes/data/png.js';
import { type HeatFrame, solveHeatVaryingCoef } from '../../solvers/heatVaryingCoef.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle');

/** matplotlib's viridis, 256 entries of [r, g, b] in 0..255 (from vtk.js's copy of the matplotlib table). */
export function viridis(): number[][] {
  const p = vtkColorMaps.getPresetByName('Viridis (matplotlib)');
  const pts = p?.RGBPoints;
  if (pts?.length !== 1024) throw new Error('vtk.js has no 256-entry "Viridis (matplotlib)" preset');
  return Array.from({ length: 256 }, (_, k) => [pts[4 * k + 1] * 255, pts[4 * k + 2] * 255, pts[4 * k + 3] * 255]);
}

/** The viridis entry of every pixel (row-major) and the largest colour distance from it (0..255 units). */
export function viridisIndices(png: Uint8Array): { n: number; index: Uint8Array; maxDistance: number } {
  const { width, height, channels, pixels } = decodePng(png);
  if (width !== height) throw new Error(`expected a square png, got ${width} x ${height}`);
  const lut = viridis();
  const index = new Uint8Array(width * height);
  let maxDistance = 0;
  for (let q = 0; q < index.length; q++) {
    const [r, g, b] = [pixels[q * channels], pixels[q * channels + 1], pixels[q * channels + 2]];
    let best = 0,
      bd = Infinity;
    lut.forEach(([lr, lg, lb], k) => {
      const d = (lr - r) ** 2 + (lg - g) ** 2 + (lb - b) ** 2;
      if (d < bd) [bd, best] = [d, k];
    });
    index[q] = best;
    maxDistance = Math.max(maxDistance, Math.sqrt(bd));
  }
  return { n: width, index, maxDistance };
}

function logMoments(v: Float64Array, ratio: number): { mean: number; std: number } {
  let s = 0,
    s2 = 0;
  for (const x of v) {
    const l = Math.log(1 + x * (ratio - 1));
    s += l;
    s2 += l * l;
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(Math.max(s2 / v.length - mean * mean, 0)) };
}

/**
 * a = a_min (1 + v (r - 1)) with r = a_max / a_min such that log a has standard deviation `std` (monotone in r,
 * bisection on log r) and a_min such that it has mean `mean`.
 */
export function lognormalFromNormalised(v: Float64Array, mean = 0, std = 1): { a: Float64Array; aMin: number; aMax: number } {
  let lo = 0,
    hi = 30;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (logMoments(v, Math.exp(mid)).std < std) lo = mid;
    else hi = mid;
  }
  const ratio = Math.exp(0.5 * (lo + hi));
  const aMin = Math.exp(mean - logMoments(v, ratio).mean);
  return { a: v.map((x) => aMin * (1 + x * (ratio - 1))), aMin, aMax: aMin * ratio };
}

/** Upstream's Heat2d-VC coefficient on the 256 x 256 pixel grid (row r = y index, column c = x index). */
export function heat2dVcCoefficient(): { n: number; a: Float64Array; aMin: number; aMax: number; maxDistance: number } {
  const { n, index, maxDistance } = viridisIndices(readFileSync(join(DIR, 'heat_2d_coef_256.png')));
  if (maxDistance > 3) throw new Error(`heat_2d_coef_256.png is not a viridis image (a pixel is ${maxDistance} from every entry)`);
  return { n, maxDistance, ...lognormalFromNormalised(Float64Array.from(index, (k) => (k + 0.5) / 256)) };
}

export const heat2dVcSource = (x: number, y: number, t: number): number =>
  200 * Math.sin(Math.PI * x) * Math.sin(5 * Math.PI * y) * Math.sin(Math.PI * t);

/** Solves Heat2d-VC on every `stride`-th pixel node (a sampled there), `frames` equal frames over [0, 5]. */
export function solveHeat2dVc(a: Float64Array, n: number, stride: number, dt: number, frames: number): HeatFrame[] {
  const s = (n - 1) / stride + 1;
  if (!Number.isInteger(s)) throw new Error(`stride ${stride} does not divide ${n - 1}`);
  const sub = new Float64Array(s * s);
  for (let j = 0; j < s; j++) for (let i = 0; i < s; i++) sub[j * s + i] = a[j * stride * n + i * stride];
  return solveHeatVaryingCoef(new Float64Array(s * s), { a: sub, T: 5, dt, frames, source: heat2dVcSource });
}

function relDiff(fine: Float64Array, sFine: number, coarse: Float64Array, sCoarse: number): number {
  const k = (sFine - 1) / (sCoarse - 1);
  let num = 0,
    den = 0;
  for (let j = 0; j < sCoarse; j++)
    for (let i = 0; i < sCoarse; i++) {
      const f = fine[j * k * sFine + i * k];
      num += (coarse[j * sCoarse + i] - f) ** 2;
      den += f * f;
    }
  return Math.sqrt(num / den);
}

function main(): void {
  const { n, a, aMin, aMax, maxDistance } = heat2dVcCoefficient();
  console.log(`viridis fit: max colour distance ${maxDistance.toFixed(2)}; a in [${aMin.toPrecision(4)}, ${aMax.toPrecision(4)}]`);
  const coef = [
    '% Model: PINNacle Heat2d-VC coefficient a = exp(g), recovered from data/pinnacle/heat_2d_coef_256.png (viridis, log a: mean 0, std 1)',
    '% Source: fluxion examples/data/pinnacleHeat2dVc.ts',
    '% x  y  a',
  ];
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) coef.push(`${(c / (n - 1)).toPrecision(8)} ${(r / (n - 1)).toPrecision(8)} ${a[r * n + c].toPrecision(6)}`);
  writeFileSync(join(DIR, 'heat2d_vc_coef.dat'), coef.join('\n') + '\n');
  const frames = 20,
    every = 5;
  const fine = solveHeat2dVc(a, n, 1, 1e-2, frames);
  const halfDt = solveHeat2dVc(a, n, 1, 2e-2, frames);
  const coarse = solveHeat2dVc(a, n, 3, 1e-2, frames);
  fine.forEach((fr, k) => {
    console.log(
      `t=${fr.t.toFixed(2)}: dt 2e-2 vs 1e-2 rel ${relDiff(fr.u, n, halfDt[k].u, n).toExponential(2)}, ` +
        `86^2 vs 256^2 nodes rel ${relDiff(fr.u, n, coarse[k].u, (n - 1) / 3 + 1).toExponential(2)}`,
    );
  });
  const lines = [
    '% Model: PINNacle Heat2d-VC u_t = a lap u + 200 sin(pi x) sin(5 pi y) sin(pi t), u = 0 on the walls and at t = 0; a from heat2d_vc_coef.dat',
    '% Source: fluxion solvers/heatVaryingCoef.ts (finite differences, 256^2 nodes, Crank-Nicolson dt 1e-2); examples/data/pinnacleHeat2dVc.ts',
    '% x  y  t  u',
  ];
  for (const fr of [{ t: 0, u: new Float64Array(n * n) }, ...fine]) {
    for (let j = 0; j < n; j += every)
      for (let i = 0; i < n; i += every)
        lines.push(
          `${(i / (n - 1)).toPrecision(6)} ${(j / (n - 1)).toPrecision(6)} ${fr.t.toPrecision(6)} ${fr.u[j * n + i].toPrecision(7)}`,
        );
  }
  writeFileSync(join(DIR, 'heat2d_vc.dat'), lines.join('\n') + '\n');
  console.log(`wrote ${coef.length - 3} coefficient rows and ${lines.length - 3} reference rows to ${DIR}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
