// The solvers behind the PINNacle references we compute ourselves (data/pinnacle/*: KS, Gray-Scott, Wave2d-CG,
// NS2d-LT), each against an analytic solution or a conserved quantity.
import { expect } from 'chai';
import { solveKuramotoSivashinsky1d } from '../../solvers/kuramotoSivashinsky.js';
import { solveGrayScott2d } from '../../solvers/grayScott.js';
import { solveWave2dNeumann } from '../../solvers/wave2d.js';
import { solveChannelFlow } from '../../solvers/navierStokesChannel.js';
import { maxDiff } from './helpers.js';

const KS = { alpha: 100 / 16, beta: 100 / 256, gamma: 100 / 16 ** 4 };

describe('solvers for the PINNacle references', () => {
  it('KS: without the nonlinearity a mode grows as exp((beta k^2 - gamma k^4) t); with it the mean is conserved', () => {
    const n = 64;
    const x = Float64Array.from({ length: n }, (_, j) => (2 * Math.PI * j) / n);
    const u0 = x.map((xi) => Math.cos(5 * xi));
    const lin = solveKuramotoSivashinsky1d(u0, { ...KS, alpha: 0, T: 0.5, dt: 0.01 }).u;
    const g = Math.exp((KS.beta * 25 - KS.gamma * 625) * 0.5);
    expect(
      maxDiff(
        lin,
        u0.map((v) => v * g),
      ),
    ).to.be.below(1e-10 * g);
    const v0 = x.map((xi) => 0.3 + Math.cos(xi) * (1 + Math.sin(xi)));
    const r = solveKuramotoSivashinsky1d(v0, { ...KS, T: 0.3, dt: 1e-3 });
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(r.u)).to.be.closeTo(mean(v0), 1e-12);
    expect(maxDiff(r.u, v0)).to.be.above(0.1); // it did evolve
  });

  it('Gray-Scott: a uniform state follows the reaction ODEs; a small mode about (1, 0) decays at -(eps k^2 + b) and -(eps k^2 + d)', () => {
    const n = 16,
      m = n * n,
      p = { epsU: 1e-3, epsV: 5e-4, b: 0.04, d: 0.1, n, length: 2 };
    const r = solveGrayScott2d(new Float64Array(m).fill(0.5), new Float64Array(m).fill(0.25), { ...p, T: 20, dt: 0.1 });
    // reference: RK4 on the ODEs with a fine step
    let u = 0.5,
      v = 0.25;
    const f = (a: number, b: number): [number, number] => [p.b * (1 - a) - a * b * b, -p.d * b + a * b * b];
    for (let s = 0, h = 1e-3; s < 20000; s++) {
      const k1 = f(u, v),
        k2 = f(u + (h / 2) * k1[0], v + (h / 2) * k1[1]),
        k3 = f(u + (h / 2) * k2[0], v + (h / 2) * k2[1]),
        k4 = f(u + h * k3[0], v + h * k3[1]);
      u += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      v += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    }
    expect(maxDiff(r.u, new Float64Array(m).fill(u))).to.be.below(1e-8);
    expect(maxDiff(r.v, new Float64Array(m).fill(v))).to.be.below(1e-8);
    const a = 1e-6,
      k = (2 * Math.PI * 3) / 2; // mode cos(3 pi (x + 1)) on [-1, 1)
    const mode = Float64Array.from({ length: m }, (_, i) => Math.cos(k * (-1 + (2 * (i % n)) / n)));
    const s = solveGrayScott2d(
      mode.map((c) => 1 + a * c),
      mode.map((c) => a * c),
      { ...p, T: 10, dt: 0.5 },
    );
    expect(
      maxDiff(
        s.u,
        mode.map((c) => 1 + a * c * Math.exp(-(p.epsU * k * k + p.b) * 10)),
      ),
    ).to.be.below(1e-4 * a); // u v^2 is of order a^2
    // v's mode decays linearly (u v^2 is of order a^2)
    expect(
      maxDiff(
        s.v,
        mode.map((c) => a * c * Math.exp(-(p.epsV * k * k + p.d) * 10)),
      ),
    ).to.be.below(1e-4 * a);
  });

  it('wave2d: a Neumann mode oscillates as cos(sqrt(c) |k| t) with second-order error; energy is conserved with a jumping c', () => {
    const errAt = (cells: number): number => {
      const W = cells + 1,
        u0 = new Float64Array(W * W),
        c = new Float64Array(W * W).fill(4);
      const mode = (x: number, y: number): number => Math.cos(Math.PI * (x + 1)) * Math.cos((Math.PI * (y + 1)) / 2);
      for (let j = 0; j < W; j++) for (let i = 0; i < W; i++) u0[j * W + i] = mode(-1 + (2 * i) / cells, -1 + (2 * j) / cells);
      const T = 1,
        r = solveWave2dNeumann(u0, c, { nx: cells, ny: cells, x0: -1, x1: 1, y0: -1, y1: 1, T, dt: 0.2 / cells });
      const w = 2 * Math.sqrt(Math.PI ** 2 + Math.PI ** 2 / 4);
      return maxDiff(
        r.u,
        u0.map((v) => v * Math.cos(w * T)),
      );
    };
    const [e1, e2] = [errAt(16), errAt(32)];
    expect(e2).to.be.below(1e-2);
    expect(Math.log2(e1 / e2)).to.be.within(1.8, 2.3);
    // jumping coefficient: sum (u_t^2 / c + |grad u|^2) stays constant up to O(dt^2)
    const cells = 40,
      W = cells + 1,
      h = 2 / cells;
    const c = Float64Array.from({ length: W * W }, (_, k) => (k % W < W / 2 ? 12 : 1));
    const u0 = Float64Array.from({ length: W * W }, (_, k) =>
      Math.exp(-(((k % W) * h - 1.5) ** 2 + (Math.floor(k / W) * h - 1) ** 2) / 0.08),
    );
    const dt = 2e-3;
    const energy = (T: number): number => {
      const a = solveWave2dNeumann(u0, c, { nx: cells, ny: cells, x0: -1, x1: 1, y0: -1, y1: 1, T, dt }).u;
      const b = solveWave2dNeumann(u0, c, { nx: cells, ny: cells, x0: -1, x1: 1, y0: -1, y1: 1, T: T + dt, dt }).u;
      let e = 0;
      for (let j = 0; j < W - 1; j++)
        for (let i = 0; i < W - 1; i++) {
          const k = j * W + i,
            ut = (b[k] - a[k]) / dt;
          e += (ut * ut) / c[k] + ((a[k + 1] - a[k]) / h) ** 2 + ((a[k + W] - a[k]) / h) ** 2;
        }
      return e;
    };
    const [e0, eT] = [energy(0.2), energy(0.8)];
    expect(Math.abs(eT - e0) / e0).to.be.below(0.05);
    expect(() => solveWave2dNeumann(u0, c, { nx: cells, ny: cells, x0: -1, x1: 1, y0: -1, y1: 1, T: 1, dt: 0.05 })).to.throw(/Courant/);
  });

  it('channel Navier-Stokes: steady parabolic inflow gives Poiseuille flow (u = 4y(1-y), v = 0, p_x = -8 nu), second order', () => {
    const nu = 0.1;
    const err = (nx: number, dt: number): number[] => {
      const ny = nx / 2;
      const f = solveChannelFlow({ lx: 2, ly: 1, nx, ny, nu, inflow: (y) => 4 * y * (1 - y), T: 8, dt, snapshots: 1 }).frames[0];
      let eu = 0,
        ev = 0,
        ep = 0;
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const x = (2 * (i + 0.5)) / nx,
            y = (j + 0.5) / ny,
            k = j * nx + i;
          eu = Math.max(eu, Math.abs(f.u[k] - 4 * y * (1 - y)));
          ev = Math.max(ev, Math.abs(f.v[k]));
          ep = Math.max(ep, Math.abs(f.p[k] - 8 * nu * (2 - x)));
        }
      return [eu, ev, ep];
    };
    const [a, b] = [err(16, 0.01), err(32, 0.005)];
    expect(b[0]).to.be.below(4e-3);
    expect(b[1]).to.be.below(2e-3);
    expect(b[2]).to.be.below(0.05); // p spans 1.6
    expect(Math.log2(a[0] / b[0])).to.be.within(1.6, 2.4);
  });
});
