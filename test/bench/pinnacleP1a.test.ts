// bench/pinnacle configs of part 1a (burgers1d-c, burgers2d-c, poisson2d-c, poisson2d-cg, poisson3d-cg, poisson2d-ms):
// they validate as shipped, their references load with the expected shapes, the references we computed ourselves
// (data/pinnacle, see data/README.md) keep the problems' defining properties, and a few training steps run.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runConfig, validateFile } from '../../runner/run.js';
import { fileCoefficients } from '../../runner/tabulated.js';
import { loadReference } from '../../meshes/index.js';
import { BURGERS2D, burgers2dInitial, burgers2dInitialExpr, burgers2dInitialValue } from '../../examples/data/pinnacleBurgers2d.js';

const ROOT = process.cwd();
const BENCH = join(ROOT, 'bench', 'pinnacle');
const IDS = ['burgers1d-c', 'burgers2d-c', 'poisson2d-c', 'poisson2d-cg', 'poisson3d-cg', 'poisson2d-ms'];

/** Columns of a reference file by name. */
function table(rel: string): Record<string, Float64Array> {
  const ref = loadReference(join(ROOT, rel));
  return Object.fromEntries(ref.names.map((n) => [n, ref.arrays[n].data as Float64Array]));
}

describe('bench/pinnacle part 1a configs and references', () => {
  it('every config validates with its reference, named pinnacle-<id>', () => {
    for (const id of IDS) {
      const { config } = validateFile(join(BENCH, `${id}.yaml`));
      expect(config.name).to.equal(`pinnacle-${id}`);
    }
  });

  it('references load with the expected shapes', () => {
    const shapes: Array<[string, Record<string, number[]>]> = [
      ['data/burgers1d.dat', { X: [101], t: [11], u: [101, 11] }],
      ['data/poisson1_cg_data.dat', { X: [1246], Y: [1246], u: [1246] }],
      ['data/poisson_boltzmann2d.dat', { X: [3236], Y: [3236], u: [3236] }],
      ['data/pinnacle/poisson2d_ms.dat', { x: [10000], y: [10000], u: [10000] }],
      ['data/pinnacle/poisson3d_cg.dat', { x: [30292], z: [30292], u: [30292] }],
      ['data/pinnacle/burgers2d.dat', { x: [45056], t: [45056], u: [45056], v: [45056] }],
    ];
    for (const [file, want] of shapes) {
      const ref = loadReference(join(ROOT, file));
      for (const [name, shape] of Object.entries(want)) expect(ref.arrays[name].shape, `${file}: ${name}`).to.deep.equal(shape);
    }
  });

  it('Poisson2d-MS block table: nearest interpolation gives upstream a and f on each block (PINNacle domain())', () => {
    const cfg = parse(readFileSync(join(BENCH, 'poisson2d-ms.yaml'), 'utf8')) as { coefficients: Parameters<typeof fileCoefficients>[1] };
    const co = fileCoefficients(BENCH, cfg.coefficients, ['x', 'y'], false);
    const nums = (f: string): number[] =>
      readFileSync(join(ROOT, 'data/pinnacle', f), 'utf8')
        .split(/\s+/)
        .filter((s) => s)
        .map(Number);
    const a = nums('poisson_a_coef.dat'),
      f = nums('poisson_f_coef.dat');
    const bs = (20 + 2e-5) / 5; // upstream's block size and offset
    for (const [x, y] of [
      [-9.9, -9.9],
      [-6.1, 3.9],
      [-5.9, 2.1],
      [0.3, -1.95],
      [9.95, 6.05],
      [7, -7],
    ]) {
      const ix = Math.floor((x + 10 + 1e-5) / bs),
        iy = Math.floor((y + 10 + 1e-5) / bs);
      const p = Float64Array.of(x, y);
      expect(co.a(p), `a at ${x}, ${y}`).to.equal(a[ix * 5 + iy]);
      expect(co.f00(p)).to.equal(f[(ix * 5 + iy) * 4]);
      expect(co.f11(p)).to.equal(f[(ix * 5 + iy) * 4 + 3]);
    }
  });

  it('Poisson2d-MS reference: Robin walls du/dn + u = 0 hold to the grid error at the outermost written cells', () => {
    // rows hold every 8th cell centre (spacing 0.2) of the 800^2 solve; the first row sits 0.1125 from the wall
    const c = table('data/pinnacle/poisson2d_ms.dat');
    const at = (i: number, j: number): number => c.u[j * 100 + i];
    expect(c.x[0]).to.be.closeTo(-9.8875, 1e-9);
    let worst = 0,
      scale = 0;
    for (let j = 10; j < 90; j++) {
      // at the wall x = -10: -u_x + u = 0, u and u_x extrapolated from the first two written columns
      const u0 = at(0, j),
        u1 = at(1, j);
      const ux = (u1 - u0) / 0.2;
      const uw = u0 - ux * 0.1125;
      worst = Math.max(worst, Math.abs(-ux + uw));
      scale = Math.max(scale, Math.abs(ux));
    }
    expect(scale).to.be.above(0.05);
    expect(worst).to.be.below(0.2 * scale);
  });

  it('Poisson3d-CG reference: every point in the unit cube and outside the four balls', () => {
    const c = table('data/pinnacle/poisson3d_cg.dat');
    const balls = [
      [0.4, 0.3, 0.6, 0.2],
      [0.6, 0.7, 0.6, 0.2],
      [0.2, 0.8, 0.7, 0.1],
      [0.6, 0.2, 0.3, 0.1],
    ];
    let outside = Infinity,
      lo = Infinity,
      hi = -Infinity;
    c.x.forEach((x, i) => {
      const p = [x, c.y[i], c.z[i]];
      lo = Math.min(lo, ...p);
      hi = Math.max(hi, ...p);
      for (const [bx, by, bz, r] of balls) outside = Math.min(outside, Math.hypot(p[0] - bx, p[1] - by, p[2] - bz) - r);
    });
    expect(lo).to.be.above(0);
    expect(hi).to.be.below(1);
    expect(outside).to.be.above(0);
    expect(Math.max(...c.u.map(Math.abs))).to.be.within(0.5, 2);
  });

  it("Burgers2d-C initial state: NumPy's values of upstream's generator, the YAML's transform and the reference at t = 0", () => {
    const init = burgers2dInitial();
    // printed by NumPy 2.4.6 running upstream's generate_burgers_2d_source_functions() after np.random.seed(20220722)
    const numpy: Array<[number, number, number, number]> = [
      [0, 0, 0.6093427685800314, 1.3944564496783616],
      [0.2896281800391389, 0.7827788649706457, -0.6793744714464153, 1.1583276646591232],
      [2.3483365949119372, 4, 0.21547201905565339, 1.8272315123960627],
    ];
    for (const [x, y, u, v] of numpy) {
      expect(burgers2dInitialValue(init, 'u', x, y)).to.be.closeTo(u, 1e-12);
      expect(burgers2dInitialValue(init, 'v', x, y)).to.be.closeTo(v, 1e-12);
    }
    const cfg = parse(readFileSync(join(BENCH, 'burgers2d-c.yaml'), 'utf8')) as { network: { output_transform: Record<string, string> } };
    expect(cfg.network.output_transform.u).to.equal(`${burgers2dInitialExpr(init, 'u')} + t*N_u`);
    expect(cfg.network.output_transform.v).to.equal(`${burgers2dInitialExpr(init, 'v')} + t*N_v`);
    const c = table('data/pinnacle/burgers2d.dat');
    let rows = 0,
      dev = 0;
    c.t.forEach((t, i) => {
      if (t !== 0) return;
      rows++;
      dev = Math.max(dev, Math.abs(c.u[i] - burgers2dInitialValue(init, 'u', c.x[i], c.y[i])));
      dev = Math.max(dev, Math.abs(c.v[i] - burgers2dInitialValue(init, 'v', c.x[i], c.y[i])));
    });
    expect(rows).to.equal(64 * 64);
    expect(dev).to.be.below(1e-6); // written to 7 digits
  });

  it("Burgers2d-C initial state: upstream's own tables (instance 0) and COMSOL's t = 0 column (instance 3 = seed + 3)", () => {
    // rows of upstream's ref/burgers2d_init_u_0.dat and ref/burgers2d_init_v_0.dat (github.com/florentiner/PINNacle at
    // c2e7adb: the 512 x 512 tables upstream interpolates its initial condition from), x y value
    const tables: Array<['u' | 'v', number, number, number]> = [
      ['u', 0, 0, 0.6093427685800314],
      ['u', 0.8767123287671232, 0, 2.1170564257629065],
      ['u', 3.9452054794520546, 1.7925636007827788, 1.0608908936281969],
      ['u', 0.3835616438356164, 1.8003913894324852, -1.4714489620509443],
      ['v', 0.3287671232876712, 3.013698630136986, 1.9512859816831036],
      ['v', 1.1272015655577299, 3.013698630136986, 0.874963215595084],
      ['v', 1.7769080234833659, 3.013698630136986, 0.9789590181659493],
    ];
    const init = burgers2dInitial();
    for (const [f, x, y, value] of tables) expect(burgers2dInitialValue(init, f, x, y)).to.be.closeTo(value, 1e-12);
    // ref/burgers2d_init_u_2.dat (same copy): instance 2 is the generator seeded with 20220722 + 2
    const instance2 = burgers2dInitial(BURGERS2D.seed + 2);
    expect(burgers2dInitialValue(instance2, 'u', 0, 0)).to.be.closeTo(-0.4951974375783306, 1e-12);
    expect(burgers2dInitialValue(instance2, 'u', 0.007827788649706457, 0)).to.be.closeTo(-0.4601744860789828, 1e-12);
    // COMSOL's t = 0 values of instance 3 (its mesh interpolation of the table, written to 4 digits) are the generator
    // seeded with 20220722 + 3, and not with + 2
    const sample = readFileSync(join(ROOT, 'data/pinnacle/burgers2d_3.sample.dat'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('%'))
      .map((l) => l.trim().split(/\s+/).map(Number));
    expect(sample.length).to.be.above(500);
    const deviation = (seed: number): number => {
      const other = burgers2dInitial(seed);
      let dev = 0;
      for (const [x, y, u, v] of sample)
        dev = Math.max(dev, Math.abs(burgers2dInitialValue(other, 'u', x, y) - u), Math.abs(burgers2dInitialValue(other, 'v', x, y) - v));
      return dev;
    };
    expect(deviation(BURGERS2D.seed + 3)).to.be.below(1e-2);
    expect(deviation(BURGERS2D.seed + 2)).to.be.above(1);
  });

  it('Burgers2d-C reference: each component keeps within its initial range (advection-diffusion maximum principle)', () => {
    const c = table('data/pinnacle/burgers2d.dat');
    for (const f of [c.u, c.v]) {
      let lo0 = Infinity,
        hi0 = -Infinity,
        lo = Infinity,
        hi = -Infinity;
      f.forEach((q, i) => {
        if (c.t[i] === 0) {
          lo0 = Math.min(lo0, q);
          hi0 = Math.max(hi0, q);
        } else {
          lo = Math.min(lo, q);
          hi = Math.max(hi, q);
        }
      });
      // the written nodes sample the initial extrema to within about 1% of the range
      const tol = 0.02 * (hi0 - lo0);
      expect(lo).to.be.above(lo0 - tol);
      expect(hi).to.be.below(hi0 + tol);
      expect(hi - lo).to.be.above(0.5 * (hi0 - lo0)); // and it has not been smeared flat
    }
  });

  it('a few training steps run for the configs with block coefficients and exact periodic/initial conditions', async function () {
    this.timeout(240_000);
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-p1a-'));
    try {
      for (const id of ['poisson2d-ms', 'burgers2d-c']) {
        const r = await runConfig({ configPath: join(BENCH, `${id}.yaml`), outDir: join(dir, id), steps: 3, quiet: true, log: () => {} });
        expect(r.exitCode, id).to.equal(0);
        expect(r.summary?.steps).to.equal(3);
        expect(r.summary?.l2re).to.be.a('number').and.satisfy(Number.isFinite);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
