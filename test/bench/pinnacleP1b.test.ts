// bench/pinnacle heat configs (issue 15, part 1b) validate as shipped, the vendored COMSOL exports match upstream's
// stated initial states and exact solution, and our own references (data/pinnacle, see data/README.md) keep their
// defining properties and agree with independent coarser solves.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFile } from '../../runner/run.js';
import { loadReference } from '../../meshes/index.js';
import { heat2dVcCoefficient, solveHeat2dVc, viridis } from '../../examples/data/pinnacleHeat2dVc.js';
import { solveHeat2dCg } from '../../examples/data/pinnacleHeat2dCg.js';
import { decodePng } from '../../meshes/data/png.js';

const BENCH = join(process.cwd(), 'bench', 'pinnacle');
const DATA = join(process.cwd(), 'data', 'pinnacle');
const OURS = ['heat2d-vc', 'heat2d-ms', 'heat2d-cg', 'heat2d-lt', 'heatnd'];
// Independent coarse solves against the references: second-order schemes on 5x (VC: 52^2 vs 256^2 nodes, measured
// 2.2e-2) and 4x (CG: mesh spacing 0.4 vs 0.1, dt 2e-2 vs 1e-2, measured 8.3e-3) coarser grids.
const VC_TOL = 0.04;
const CG_TOL = 0.02;

/** Arrays of a data/pinnacle file by name (a COMSOL time-stamped field is [rows, times], its times in `t`). */
function table(file: string): Record<string, Float64Array> {
  const ref = loadReference(join(DATA, file));
  return Object.fromEntries(ref.names.map((n) => [n, ref.arrays[n].data as Float64Array]));
}

/** sqrt(sum (a - b)^2 / sum b^2) over the rows where `keep` holds. */
function relL2(a: (i: number) => number, b: (i: number) => number, rows: number, keep: (i: number) => boolean = () => true): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < rows; i++) {
    if (!keep(i)) continue;
    num += (a(i) - b(i)) ** 2;
    den += b(i) ** 2;
  }
  return Math.sqrt(num / den);
}

describe('bench/pinnacle heat configs and references (part 1b)', function () {
  this.timeout(120_000);

  it('every heat config validates, its reference and coefficient files included', () => {
    for (const id of OURS) {
      const { config } = validateFile(join(BENCH, `${id}.yaml`));
      expect(config.name).to.equal(`pinnacle-${id}`);
    }
  });

  it("Heat2d-MS: upstream's COMSOL export agrees with its exact solution sin(20 pi x) sin(pi y) exp(-1.0016 t) to 1.3e-2", () => {
    const c = table('heat_multiscale_lesspoints.dat');
    const nt = c.t.length,
      n = c.X.length;
    expect([n, nt]).to.deep.equal([3000, 26]);
    const exact = (k: number): number => {
      const i = Math.floor(k / nt),
        t = c.t[k % nt];
      return Math.sin(20 * Math.PI * c.X[i]) * Math.sin(Math.PI * c.Y[i]) * Math.exp(-1.0016 * t);
    };
    expect(relL2((k) => c.u[k], exact, n * nt)).to.be.within(0.005, 0.015);
  });

  it("Heat2d-LT: upstream's COMSOL export starts at sin(4 pi x) sin(3 pi y) and covers t in [0, 100] every 0.2", () => {
    const c = table('heat_longtime.dat');
    expect(c.t.length).to.equal(501);
    expect(c.t[500]).to.be.closeTo(100, 1e-9);
    const nt = c.t.length;
    let m = 0;
    c.X.forEach((x, i) => (m = Math.max(m, Math.abs(c.u[i * nt] - Math.sin(4 * Math.PI * x) * Math.sin(3 * Math.PI * c.Y[i])))));
    expect(m).to.be.below(1e-3);
  });

  it('Heat2d-VC coefficient: the png is a viridis image of a right-skewed field; the table is the recovered exp(g) with log a ~ (0, 1)', () => {
    const png = decodePng(readFileSync(join(DATA, 'heat_2d_coef_256.png')));
    const lut = viridis();
    let worst = 0;
    for (let q = 0; q < png.width * png.height; q++) {
      const px = [0, 1, 2].map((c) => png.pixels[q * png.channels + c]);
      worst = Math.max(worst, Math.min(...lut.map((e) => Math.hypot(e[0] - px[0], e[1] - px[1], e[2] - px[2]))));
    }
    expect(worst).to.be.below(2);
    const c = table('heat2d_vc_coef.dat');
    expect(c.a.length).to.equal(256 * 256);
    const logs = Array.from(c.a, Math.log);
    const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
    const std = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / logs.length);
    expect(Math.abs(mean)).to.be.below(1e-4); // the table is written to 6 digits
    expect(std).to.be.closeTo(1, 1e-4);
    // a log-normal field: its median lies well below its mean
    const sorted = Float64Array.from(c.a).sort();
    expect(sorted[sorted.length >> 1]).to.be.below(0.8 * (c.a.reduce((s, v) => s + v, 0) / c.a.length));
    const { a } = heat2dVcCoefficient();
    expect(Math.max(...c.a.map((v, i) => Math.abs(v - a[i]) / a[i]))).to.be.below(1e-5);
  });

  it('Heat2d-VC reference: zero at t = 0 and on the walls; agrees with an independent solve on its own 52 x 52 nodes', () => {
    const c = table('heat2d_vc.dat');
    const n = 52,
      frames = 20;
    expect(c.u.length).to.equal(n * n * (frames + 1));
    c.u.forEach((u, i) => {
      if (c.t[i] === 0 || c.x[i] === 0 || c.x[i] === 1 || c.y[i] === 0 || c.y[i] === 1) expect(u).to.equal(0);
    });
    const { a } = heat2dVcCoefficient();
    const coarse = solveHeat2dVc(a, 256, 5, 0.02, frames);
    const at = (k: number): number => coarse[Math.floor(k / (n * n)) - 1].u[k % (n * n)];
    expect(
      relL2(
        at,
        (k) => c.u[k],
        c.u.length,
        (k) => c.t[k] > 0,
      ),
    ).to.be.below(VC_TOL);
  });

  it('Heat2d-CG reference: starts at 0, stays in [0, 5] (maximum principle), hotter at the big circles; agrees with a coarse solve', () => {
    const c = table('heat2d_cg.dat');
    const { mesh, frames } = solveHeat2dCg(0.4, 0.02, 15);
    const m = mesh.points.data.length / 2;
    expect(c.u.length).to.equal(m * 16);
    c.u.forEach((u, i) => {
      if (c.t[i] === 0) expect(u).to.equal(0);
      expect(u).to.be.within(-1e-9, 5);
    });
    // the written points are this mesh's nodes (scaled by 1/8), in order
    for (let i = 0; i < m; i++) expect(c.X[i] * 8).to.be.closeTo(mesh.points.data[2 * i], 1e-5);
    const last = 15 * m;
    const near = (i: number, cx: number, cy: number, r: number): boolean =>
      Math.hypot(c.X[last + i] * 8 - cx, c.Y[last + i] * 8 - cy) < r + 1e-3;
    let big = 0,
      small = 0,
      nb = 0,
      ns = 0;
    for (let i = 0; i < m; i++) {
      if (near(i, 0, 0, 1)) [big, nb] = [big + c.u[last + i], nb + 1];
      if (near(i, 3.2, 0, 0.4)) [small, ns] = [small + c.u[last + i], ns + 1];
    }
    expect(nb).to.be.above(10);
    expect(ns).to.be.above(10);
    expect(big / nb).to.be.above(small / ns + 0.5);
    const at = (k: number): number => frames[Math.floor(k / m) - 1].u[k % m];
    expect(
      relL2(
        at,
        (k) => c.u[k],
        c.u.length,
        (k) => c.t[k] > 0,
      ),
    ).to.be.below(CG_TOL);
  });
});
