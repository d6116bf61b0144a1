// bench/pinnacle configs validate as shipped (references, coefficient and data files included), and the
// references we computed ourselves (data/pinnacle, see data/README.md) start from the problems' initial states and
// keep their defining properties.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateFile } from '../../runner/run.js';
import { loadReference } from '../../meshes/index.js';

const BENCH = join(process.cwd(), 'bench', 'pinnacle');
const DATA = join(process.cwd(), 'data', 'pinnacle');
const OURS = ['ns2d-c', 'ns2d-cg', 'ns2d-lt', 'wave1d-c', 'wave2d-cg', 'wave2d-ms', 'gs', 'ks', 'poissonnd', 'pinv', 'hinv'];

/** Columns of a data/pinnacle table by name. */
function table(file: string): Record<string, Float64Array> {
  const ref = loadReference(join(DATA, file));
  return Object.fromEntries(ref.names.map((n) => [n, ref.arrays[n].data as Float64Array]));
}

/** Largest |col - f(row)| over the rows with t == t0. */
function maxDevAt(c: Record<string, Float64Array>, t0: number, col: string, f: (i: number) => number): number {
  let m = 0,
    rows = 0;
  c.t.forEach((t, i) => {
    if (Math.abs(t - t0) < 1e-9) {
      m = Math.max(m, Math.abs(c[col][i] - f(i)));
      rows++;
    }
  });
  expect(rows).to.be.above(0);
  return m;
}

describe('bench/pinnacle configs and computed references', () => {
  it('every config validates, its reference included', () => {
    const files = readdirSync(BENCH).filter((f) => f.endsWith('.yaml'));
    for (const id of OURS) expect(files).to.include(`${id}.yaml`);
    for (const f of files) {
      const { config } = validateFile(join(BENCH, f));
      expect(config.name).to.equal(`pinnacle-${f.replace(/\.yaml$/, '')}`);
    }
  });

  it('KS reference: starts at cos x (1 + sin x) and keeps its zero mean (u u_x, u_xx, u_xxxx integrate to zero)', () => {
    const c = table('ks.dat');
    expect(maxDevAt(c, 0, 'u', (i) => Math.cos(c.x[i]) * (1 + Math.sin(c.x[i])))).to.be.below(1e-6);
    for (const t0 of [0.5, 1]) {
      let s = 0,
        n = 0;
      c.t.forEach((t, i) => {
        if (Math.abs(t - t0) < 1e-9 && c.x[i] < 2 * Math.PI - 1e-6) {
          s += c.u[i];
          n++;
        }
      });
      expect(n).to.equal(256);
      expect(Math.abs(s / n)).to.be.below(1e-6);
    }
    // chaotic, yet bounded as the classical KS attractor (|u| < 3.5)
    expect(Math.max(...c.u.map(Math.abs))).to.be.within(1.5, 3.5);
  });

  it("Gray-Scott reference: starts at PINNacle initial state; the walls stay at the trivial state u = 1, v = 0 (so periodic = upstream's free walls)", () => {
    const c = table('gs.dat');
    const u0 = (i: number): number => 1 - Math.exp(-80 * ((c.x[i] + 0.05) ** 2 + (c.y[i] + 0.02) ** 2));
    const v0 = (i: number): number => Math.exp(-80 * ((c.x[i] - 0.05) ** 2 + (c.y[i] - 0.02) ** 2));
    expect(maxDevAt(c, 0, 'u', u0)).to.be.below(1e-6);
    expect(maxDevAt(c, 0, 'v', v0)).to.be.below(1e-6);
    let wall = 0;
    c.x.forEach((x, i) => {
      if (Math.max(Math.abs(x), Math.abs(c.y[i])) > 0.99) wall = Math.max(wall, Math.abs(c.u[i] - 1), Math.abs(c.v[i]));
    });
    expect(wall).to.be.below(1e-3);
    expect(Math.max(...c.tau.map((s, i) => Math.abs(s - c.t[i] / 200)))).to.be.below(1e-6);
  });

  it('Wave2d-CG reference: starts at the Gaussian; coefficient table holds only 1 and 12', () => {
    const c = table('wave2d_cg.dat');
    expect(maxDevAt(c, 0, 'u', (i) => Math.exp(-((c.x[i] + 0.5) ** 2 + c.y[i] ** 2) / (2 * 0.09)))).to.be.below(1e-5); // coordinates written to 6 digits
    expect(Math.max(...c.u.map(Math.abs))).to.be.below(1 + 1e-6);
    const k = table('wave2d_cg_coef.dat');
    expect(k.c.length).to.equal(256 * 256);
    expect(new Set(k.c)).to.deep.equal(new Set([1, 12]));
  });

  it('NS2d-LT reference: starts at rest; the first cell column carries the inflow profile; nearly divergence-free mean flux', () => {
    const c = table('ns2d_lt.dat');
    expect(maxDevAt(c, 0, 'u', () => 0)).to.equal(0);
    const g = (y: number, t: number): number =>
      Math.sin(Math.PI * y) * (Math.sin(Math.PI * t) + Math.sin(3 * Math.PI * t) + Math.sin(5 * Math.PI * t));
    // first written cell centre x = 3/256: u = g + O(x)
    let m = 0;
    c.x.forEach((x, i) => {
      if (x < 0.02) m = Math.max(m, Math.abs(c.u[i] - g(c.y[i], c.t[i])));
    });
    expect(m).to.be.below(0.15);
    // flux through every column equals the inflow flux (2/pi) (sum of sines): check at the outlet column
    for (const t0 of [1.25, 2.5]) {
      let q = 0,
        n = 0;
      c.x.forEach((x, i) => {
        if (Math.abs(c.t[i] - t0) < 1e-9 && Math.abs(x - 1.98046875) < 1e-4) {
          q += c.u[i];
          n++;
        }
      });
      expect(n).to.equal(32);
      expect(q / n).to.be.closeTo((2 / Math.PI) * g(0.5, t0), 0.05);
    }
  });
});
