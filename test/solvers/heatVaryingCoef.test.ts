import { expect } from 'chai';
import { solveHeatVaryingCoef } from '../../solvers/heatVaryingCoef.js';
import { maxDiff, nodes2d } from './helpers.js';

const PI = Math.PI;

describe('solvers/heatVaryingCoef (u_t = a lap u + f, Crank-Nicolson)', () => {
  it("constant a: a discrete eigenmode follows its forced ODE h' = -a lambda_h h + 200 sin(pi t) (second order in dt)", () => {
    const n = 32,
      a = 0.05,
      T = 1;
    // sin(pi x) sin(5 pi y) is an eigenvector of the 5-point Laplacian with eigenvalue -lambda_h
    const lam = 4 * n * n * (Math.sin(PI / (2 * n)) ** 2 + Math.sin((5 * PI) / (2 * n)) ** 2);
    const k = a * lam;
    const h = (t: number): number => (200 * (k * Math.sin(PI * t) - PI * Math.cos(PI * t) + PI * Math.exp(-k * t))) / (k * k + PI * PI);
    const mode = nodes2d(n + 1, (x, y) => Math.sin(PI * x) * Math.sin(5 * PI * y));
    const source = (x: number, y: number, t: number): number => 200 * Math.sin(PI * x) * Math.sin(5 * PI * y) * Math.sin(PI * t);
    const errs = [0.02, 0.01].map((dt) => {
      const frames = solveHeatVaryingCoef(new Float64Array((n + 1) ** 2), {
        a: new Float64Array((n + 1) ** 2).fill(a),
        T,
        dt,
        source,
        frames: 4,
      });
      expect(frames.map((f) => f.t)).to.deep.equal([0.25, 0.5, 0.75, 1]);
      return Math.max(
        ...frames.map((f) =>
          maxDiff(
            f.u,
            mode.map((v) => v * h(f.t)),
          ),
        ),
      );
    });
    expect(errs[1]).to.be.below(2e-4 * h(0.5));
    expect(errs[0] / errs[1]).to.be.within(3.5, 4.5);
  });

  it('varying a: manufactured u = sin(pi x) sin(pi y) sin(2t) converges at second order in h', () => {
    const aFn = (x: number, y: number): number => Math.exp(Math.sin(3 * x) * Math.cos(2 * y));
    const exact = (x: number, y: number, t: number): number => Math.sin(PI * x) * Math.sin(PI * y) * Math.sin(2 * t);
    // f = u_t - a lap u, with lap u = -2 pi^2 u
    const source = (x: number, y: number, t: number): number =>
      Math.sin(PI * x) * Math.sin(PI * y) * (2 * Math.cos(2 * t) + 2 * PI * PI * aFn(x, y) * Math.sin(2 * t));
    const errs = [16, 32].map((n) => {
      const [f] = solveHeatVaryingCoef(new Float64Array((n + 1) ** 2), { a: nodes2d(n + 1, aFn), T: 1, dt: 1e-3, source });
      return maxDiff(
        f.u,
        nodes2d(n + 1, (x, y) => exact(x, y, 1)),
      );
    });
    expect(errs[1]).to.be.below(3e-3);
    expect(errs[0] / errs[1]).to.be.within(3.5, 4.5);
  });

  it('rejects a non-positive coefficient, naming the node', () => {
    const a = new Float64Array(25).fill(1);
    a[12] = 0;
    expect(() => solveHeatVaryingCoef(new Float64Array(25), { a, T: 1, dt: 0.1 })).to.throw(/a must be positive.*node 12/);
  });
});
