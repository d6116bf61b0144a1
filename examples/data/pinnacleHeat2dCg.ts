// Writes data/pinnacle/heat2d_cg.dat, the reference of bench/pinnacle/heat2d-cg.yaml (PINNacle Heat2d-CG, class
// Heat2D_ComplexGeometry; upstream's ref/heat_complex.dat is not in its repository snapshot).
// Problem (upstream's definition): u_t = u_xx + u_yy on [-8, 8] x [-12, 12] minus 11 disks of radius 1 and 6 of
// radius 0.4, t in [0, 3], u = 0 at t = 0, Robin conditions du/dn = g - u with n the outward normal of the domain
// (DeepXDE's RobinBC and CSG difference): g = 5 on the big circles, 1 on the small ones, 0.1 on the rectangle.
// Solved by solvers/heatRobinP1.ts (P1 finite elements on meshes/perforatedMesh.ts, h = 0.1: about 40,000 nodes;
// BDF2, dt = 1e-2); as checks, h = 0.2 with the same dt and h = 0.2 with dt = 5e-3: the run prints the relative L2
// differences per frame.
// Written in the config's scaled coordinates X = x / 8, Y = y / 8 (so the network sees O(1) inputs) at the nodes
// of an h = 0.4 mesh of the same domain x 16 times (every 0.2, t = 0 included) as rows `X Y t u`.
// Usage: npx tsx examples/data/pinnacleHeat2dCg.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Circle, P1Interpolator, perforatedRectangleMesh, type TriMesh } from '../../meshes/index.js';
import { type P1Frame, solveHeatRobinP1 } from '../../solvers/heatRobinP1.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle');

const BIG: [number, number][] = [
  [-4, -3],
  [4, -3],
  [-4, 3],
  [4, 3],
  [-4, -9],
  [4, -9],
  [-4, 9],
  [4, 9],
  [0, 0],
  [0, 6],
  [0, -6],
];
const SMALL: [number, number][] = [
  [-3.2, -6],
  [-3.2, 6],
  [3.2, -6],
  [3.2, 6],
  [-3.2, 0],
  [3.2, 0],
];
export const HEAT2D_CG_HOLES: Circle[] = [...BIG.map((c) => ({ center: c, radius: 1 })), ...SMALL.map((c) => ({ center: c, radius: 0.4 }))];

/** Robin data g of du/dn = g - u: 5 on the big circles, 1 on the small ones, 0.1 on the rectangle's sides. */
export function heat2dCgRobin(x: number, y: number): number {
  const near = (cs: [number, number][], r: number) => cs.some(([cx, cy]) => Math.hypot(x - cx, y - cy) < r + 0.05);
  return near(BIG, 1) ? 5 : near(SMALL, 0.4) ? 1 : 0.1;
}

export const heat2dCgMesh = (h: number): TriMesh => perforatedRectangleMesh([-8, -12], [8, 12], HEAT2D_CG_HOLES, h);

export function solveHeat2dCg(h: number, dt: number, frames: number): { mesh: TriMesh; frames: P1Frame[] } {
  const mesh = heat2dCgMesh(h);
  return { mesh, frames: solveHeatRobinP1(mesh, { T: 3, dt, frames, g: heat2dCgRobin }) };
}

function relL2(a: Float64Array, b: Float64Array): number {
  let num = 0,
    den = 0;
  b.forEach((v, i) => {
    num += (a[i] - v) ** 2;
    den += v * v;
  });
  return Math.sqrt(num / den);
}

function main(): void {
  const frames = 15;
  const fine = solveHeat2dCg(0.1, 1e-2, frames);
  const coarse = solveHeat2dCg(0.2, 1e-2, frames);
  const coarseHalfDt = solveHeat2dCg(0.2, 5e-3, frames);
  const interp = new P1Interpolator(fine.mesh);
  const cpts = coarse.mesh.points;
  console.log(`fine mesh: ${fine.mesh.points.data.length / 2} nodes, coarse: ${cpts.data.length / 2}`);
  fine.frames.forEach((fr, k) => {
    const f = interp.evaluate(fr.u, cpts);
    let num = 0,
      den = 0;
    f.forEach((v, i) => {
      num += (coarse.frames[k].u[i] - v) ** 2;
      den += v * v;
    });
    const dtDiff = relL2(coarse.frames[k].u, coarseHalfDt.frames[k].u);
    console.log(
      `t=${fr.t.toFixed(2)}: h 0.2 vs 0.1 rel ${Math.sqrt(num / den).toExponential(2)}, dt 1e-2 vs 5e-3 (h 0.2) rel ${dtDiff.toExponential(2)}, ` +
        `u in [${Math.min(...fr.u).toFixed(4)}, ${Math.max(...fr.u).toFixed(4)}]`,
    );
  });
  const out = heat2dCgMesh(0.4).points;
  const lines = [
    '% Model: PINNacle Heat2d-CG u_t = lap u on [-8, 8] x [-12, 12] minus 17 disks, u0 = 0, du/dn = g - u (g = 5 big circles, 1 small, 0.1 sides)',
    '% Source: fluxion solvers/heatRobinP1.ts (P1 FEM, h = 0.1, BDF2 dt 1e-2); examples/data/pinnacleHeat2dCg.ts. Coordinates scaled: X = x/8, Y = y/8',
    '% X  Y  t  u',
  ];
  const m = out.data.length / 2;
  for (const fr of [{ t: 0, u: new Float64Array(fine.mesh.points.data.length / 2) }, ...fine.frames]) {
    const v = interp.evaluate(fr.u, out);
    for (let i = 0; i < m; i++)
      lines.push(
        `${(out.data[2 * i] / 8).toPrecision(7)} ${(out.data[2 * i + 1] / 8).toPrecision(7)} ${fr.t.toPrecision(6)} ${v[i].toPrecision(7)}`,
      );
  }
  writeFileSync(join(DIR, 'heat2d_cg.dat'), lines.join('\n') + '\n');
  console.log(`wrote ${lines.length - 3} reference rows to ${DIR}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
