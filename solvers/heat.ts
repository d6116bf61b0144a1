// Heat equation u_t = kappa Delta u + f with Dirichlet boundaries, Crank-Nicolson in time
// (second order, unconditionally stable) and second-order finite differences in space.
import { dirichletTridiagonal } from './tridiagonal.js';
import { laplacianOperator, interiorOf, withZeroBoundary } from './stencil2d.js';
import { solveFivePoint, type SpdSolveOptions } from './spdSolve.js';

function stepsFor(T: number, dt: number, name: string): number {
  if (!(T > 0)) throw new RangeError(`${name}: T must be positive, got ${T}`);
  if (!(dt > 0)) throw new RangeError(`${name}: dt must be positive, got ${dt}`);
  return Math.ceil(T / dt - 1e-9);
}

export interface Heat1dOptions {
  kappa: number;
  T: number;
  /** requested step; the actual step is T / ceil(T / dt) */
  dt: number;
  source?: (x: number, t: number) => number;
  /** boundary values u(0, t) and u(1, t) (default 0) */
  left?: (t: number) => number;
  right?: (t: number) => number;
}

/** u0 holds n+1 node values on [0, 1]; returns the node values at time T. */
export function solveHeat1d(u0: Float64Array, opts: Heat1dOptions): Float64Array {
  const n = u0.length - 1;
  if (n < 2) throw new RangeError(`solveHeat1d: u0 must have at least 3 node values, got ${u0.length}`);
  if (!(opts.kappa > 0)) throw new RangeError(`solveHeat1d: kappa must be positive, got ${opts.kappa}`);
  const steps = stepsFor(opts.T, opts.dt, 'solveHeat1d');
  const dt = opts.T / steps;
  const r = (opts.kappa * dt * n * n) / 2; // (dt/2) kappa / h^2
  const m = n - 1;
  const solve = dirichletTridiagonal(n, r, 1 + 2 * r);
  const left = opts.left ?? (() => 0),
    right = opts.right ?? (() => 0);
  const f = opts.source ?? (() => 0);
  let u: Float64Array = Float64Array.from(u0);
  for (let s = 0; s < steps; s++) {
    const t0 = s * dt,
      t1 = (s + 1) * dt;
    const rhs = new Float64Array(m);
    for (let i = 1; i <= m; i++) {
      const x = i / n;
      rhs[i - 1] = u[i] + r * (u[i - 1] - 2 * u[i] + u[i + 1]) + 0.5 * dt * (f(x, t0) + f(x, t1));
    }
    u = solve(rhs, left(t1), right(t1));
  }
  return u;
}

export interface Heat2dOptions extends SpdSolveOptions {
  kappa: number;
  T: number;
  dt: number;
  source?: (x: number, y: number, t: number) => number;
}

/** u0 on the s x s node grid of the unit square, u = 0 on the boundary; returns u at time T. */
export function solveHeat2d(u0: Float64Array, opts: Heat2dOptions): Float64Array {
  const s = Math.round(Math.sqrt(u0.length));
  if (s * s !== u0.length || s < 3) throw new RangeError(`solveHeat2d: u0 must be an s*s node grid with s >= 3, got ${u0.length} values`);
  if (!(opts.kappa > 0)) throw new RangeError(`solveHeat2d: kappa must be positive, got ${opts.kappa}`);
  const steps = stepsFor(opts.T, opts.dt, 'solveHeat2d');
  const dt = opts.T / steps;
  const n = s - 1;
  const A = laplacianOperator(n);
  const implicit = A.scaled((opts.kappa * dt) / 2, 1); // I + dt/2 kappa A
  const f = opts.source;
  let u = interiorOf(u0, n);
  const Au = new Float64Array(u.length);
  const rhsNodes = new Float64Array(s * s);
  for (let step = 0; step < steps; step++) {
    const t0 = step * dt,
      t1 = (step + 1) * dt;
    A.apply(u, Au);
    for (let j = 1; j < n; j++) {
      for (let i = 1; i < n; i++) {
        const p = (j - 1) * (n - 1) + i - 1;
        const src = f ? 0.5 * dt * (f(i / n, j / n, t0) + f(i / n, j / n, t1)) : 0;
        rhsNodes[j * s + i] = u[p] - 0.5 * opts.kappa * dt * Au[p] + src;
      }
    }
    // warm start from the previous step's solution
    const res = solveFivePoint(
      implicit,
      rhsNodes,
      { preconditioner: opts.preconditioner, tol: opts.tol ?? 1e-12, maxIter: opts.maxIter },
      u,
    );
    if (!res.converged) throw new Error(`solveHeat2d: linear solve did not converge at step ${step}`);
    u = interiorOf(res.u, n);
  }
  return withZeroBoundary(u, n);
}
