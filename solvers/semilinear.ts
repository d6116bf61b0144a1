// Steady semilinear diffusion  -div(a grad u) + u^3 = f  on the unit square, u = 0 on the boundary, by
// damped Newton. Each Newton step solves J du = F with J = A + diag(3 u^2) by PCG, preconditioned by the
// multigrid/ic0 of A alone (J - A is a non-negative diagonal, so A stays a good preconditioner). The
// problem is the minimiser of a convex energy, so Newton from any start converges with backtracking.
import { pcg, type LinearMap } from './cg.js';
import type { FivePointOperator } from './stencil2d.js';
import type { SpdSolveOptions } from './spdSolve.js';

export interface NewtonOptions extends SpdSolveOptions {
  /** stop when ||F(u)||_2 <= newtonTol * ||f||_2 (default 1e-10) */
  newtonTol?: number;
  /** at most this many Newton steps (default 30) */
  maxNewton?: number;
}

export interface NewtonResult {
  /** interior unknowns ((n-1)^2 values) */
  u: Float64Array;
  newtonSteps: number;
  /** PCG iterations over all Newton steps */
  linearIterations: number;
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** F(u) = A u + u^3 - f into out */
export function semilinearResidual(A: FivePointOperator, u: Float64Array, f: Float64Array, out: Float64Array): void {
  A.apply(u, out);
  for (let i = 0; i < u.length; i++) out[i] += u[i] ** 3 - f[i];
}

/** Solves (A + diag(3 u^2)) x = b, the Newton Jacobian at u (symmetric, so also its transpose). */
export function solveSemilinearJacobian(
  A: FivePointOperator,
  u: Float64Array,
  b: Float64Array,
  preconditioner: LinearMap | undefined,
  opts: SpdSolveOptions = {},
): { x: Float64Array; iterations: number } {
  const J: LinearMap = (x, y) => {
    A.apply(x, y);
    for (let i = 0; i < x.length; i++) y[i] += 3 * u[i] * u[i] * x[i];
  };
  const res = pcg(J, b, { preconditioner, tol: opts.tol ?? 1e-10, maxIter: opts.maxIter });
  if (!res.converged)
    throw new Error(
      `semilinear Jacobian solve: PCG did not converge in ${res.iterations} iterations (residual ${res.residualHistory.at(-1)})`,
    );
  return { x: res.x, iterations: res.iterations };
}

export function solveSemilinear(
  A: FivePointOperator,
  f: Float64Array,
  preconditioner: LinearMap | undefined,
  opts: NewtonOptions = {},
  u0?: Float64Array,
): NewtonResult {
  const N = A.size;
  if (f.length !== N) throw new RangeError(`solveSemilinear: f must have ${N} interior values, got ${f.length}`);
  const tol = opts.newtonTol ?? 1e-10;
  const maxNewton = opts.maxNewton ?? 30;
  const u = u0 ? Float64Array.from(u0) : new Float64Array(N);
  const r = new Float64Array(N);
  const trial = new Float64Array(N);
  const target = tol * (norm(f) || 1);
  let linearIterations = 0;
  semilinearResidual(A, u, f, r);
  let rNorm = norm(r);
  for (let step = 0; ; step++) {
    if (rNorm <= target) return { u, newtonSteps: step, linearIterations };
    if (step === maxNewton)
      throw new Error(`solveSemilinear: Newton did not reach ||F|| <= ${target} in ${maxNewton} steps (||F|| = ${rNorm})`);
    const { x: du, iterations } = solveSemilinearJacobian(A, u, r, preconditioner, opts);
    linearIterations += iterations;
    // backtrack on ||F|| (full steps near the solution, so quadratic convergence is kept)
    let t = 1;
    for (let halvings = 0; ; halvings++) {
      for (let i = 0; i < N; i++) trial[i] = u[i] - t * du[i];
      const next = new Float64Array(N);
      semilinearResidual(A, trial, f, next);
      const nextNorm = norm(next);
      if (nextNorm < rNorm || halvings === 30) {
        u.set(trial);
        r.set(next);
        rNorm = nextNorm;
        break;
      }
      t /= 2;
    }
  }
}
