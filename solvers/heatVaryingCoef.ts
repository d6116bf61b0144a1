// Heat equation with a varying coefficient in non-divergence form, u_t = a(x, y) lap u + f, on the unit square with
// u = 0 on the boundary (PINNacle's Heat2d-VC). Second-order finite differences on the (n+1)^2 node grid,
// Crank-Nicolson in time. Dividing a step by a makes it symmetric positive definite,
//   (D / dt + A / 2) u1 = (D / dt - A / 2) u0 + D (f0 + f1) / 2,   D = diag(1 / a), A = -lap_h,
// a matrix fixed for the whole run: it is factored once (banded Cholesky) and each step is two triangular solves.
import { factorFivePoint } from './bandedCholesky.js';
import { interiorOf, laplacianOperator, withZeroBoundary } from './stencil2d.js';

export interface HeatVaryingCoefOptions {
  /** coefficient at the (n+1)^2 nodes (row-major, x fastest), positive */
  a: Float64Array;
  T: number;
  /** requested step; the actual step is T / ceil(T / dt) */
  dt: number;
  source?: (x: number, y: number, t: number) => number;
  /** solutions recorded at t = k T / frames, k = 1..frames (default 1: only T) */
  frames?: number;
}

export interface HeatFrame {
  t: number;
  /** node values on the (n+1)^2 grid, boundary zeros included */
  u: Float64Array;
}

/** u0 on the (n+1)^2 node grid of the unit square; returns the recorded frames. */
export function solveHeatVaryingCoef(u0: Float64Array, opts: HeatVaryingCoefOptions): HeatFrame[] {
  const s = Math.round(Math.sqrt(u0.length));
  if (s * s !== u0.length || s < 3)
    throw new RangeError(`solveHeatVaryingCoef: u0 must be an s*s node grid with s >= 3, got ${u0.length} values`);
  if (opts.a.length !== u0.length) throw new RangeError(`solveHeatVaryingCoef: a must have ${u0.length} node values, got ${opts.a.length}`);
  if (!(opts.T > 0)) throw new RangeError(`solveHeatVaryingCoef: T must be positive, got ${opts.T}`);
  if (!(opts.dt > 0)) throw new RangeError(`solveHeatVaryingCoef: dt must be positive, got ${opts.dt}`);
  const frames = opts.frames ?? 1;
  if (!Number.isInteger(frames) || frames < 1)
    throw new RangeError(`solveHeatVaryingCoef: frames must be a positive integer, got ${frames}`);
  opts.a.forEach((v, q) => {
    if (!(v > 0)) throw new RangeError(`solveHeatVaryingCoef: a must be positive everywhere, got ${v} at node ${q}`);
  });
  const perFrame = Math.ceil(opts.T / frames / opts.dt - 1e-9);
  const steps = perFrame * frames,
    dt = opts.T / steps;
  const n = s - 1,
    m = n - 1;
  const A = laplacianOperator(n);
  const D = interiorOf(opts.a, n).map((v) => 1 / v);
  const lhs = factorFivePoint(
    A.scaled(0.5, 0),
    D.map((d) => d / dt),
  );
  const Ax = new Float64Array(m * m);
  const f = opts.source;
  const rhs = new Float64Array(m * m);
  let u = interiorOf(u0, n);
  const out: HeatFrame[] = [];
  for (let step = 0; step < steps; step++) {
    const t0 = step * dt,
      t1 = (step + 1) * dt;
    A.apply(u, Ax);
    for (let j = 1; j <= m; j++) {
      for (let i = 1; i <= m; i++) {
        const p = (j - 1) * m + i - 1;
        const src = f ? 0.5 * (f(i / n, j / n, t0) + f(i / n, j / n, t1)) : 0;
        rhs[p] = (D[p] / dt) * u[p] - 0.5 * Ax[p] + D[p] * src;
      }
    }
    u = lhs.solve(rhs);
    if ((step + 1) % perFrame === 0) out.push({ t: t1, u: withZeroBoundary(u, n) });
  }
  return out;
}
