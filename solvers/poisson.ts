// Poisson problems -u'' = f on [0, 1] and -Delta u = f on the unit square, second-order
// finite differences on node grids x_i = i/n.
import { dirichletTridiagonal } from './tridiagonal.js';
import { laplacianOperator, interiorOf, withZeroBoundary } from './stencil2d.js';
import { factorFivePoint } from './bandedCholesky.js';
import { solveFivePoint, type GridSolveResult, type SpdSolveOptions } from './spdSolve.js';

export interface Poisson1dOptions {
  /** u(0) and u(1) (default 0) */
  left?: number;
  right?: number;
}

/** Direct tridiagonal solve; f holds n+1 node values, the result n+1 node values. */
export function solvePoisson1d(f: Float64Array, opts: Poisson1dOptions = {}): Float64Array {
  const n = f.length - 1;
  if (n < 2) throw new RangeError(`solvePoisson1d: f must have at least 3 node values, got ${f.length}`);
  const left = opts.left ?? 0,
    right = opts.right ?? 0;
  const h2 = n * n;
  return dirichletTridiagonal(n, h2, 2 * h2)(f.slice(1, n), left, right);
}

export interface Poisson2dOptions extends SpdSolveOptions {
  /** 'pcg' (default, multigrid-preconditioned where possible) or 'direct' (banded Cholesky) */
  method?: 'pcg' | 'direct';
}

/** -Delta u = f with u = 0 on the boundary; f and u on the s x s node grid. */
export function solvePoisson2d(f: Float64Array, opts: Poisson2dOptions = {}): GridSolveResult {
  const s = Math.round(Math.sqrt(f.length));
  if (s * s !== f.length || s < 3) throw new RangeError(`solvePoisson2d: f must be an s*s node grid with s >= 3, got ${f.length} values`);
  const A = laplacianOperator(s - 1);
  const method = opts.method ?? 'pcg';
  if (method === 'direct') {
    return {
      u: withZeroBoundary(factorFivePoint(A).solve(interiorOf(f, s - 1)), s - 1),
      iterations: 0,
      converged: true,
      residualHistory: [],
    };
  }
  if (method !== 'pcg') throw new RangeError(`solvePoisson2d: method must be 'pcg' or 'direct', got '${String(method)}'`);
  return solveFivePoint(A, f, opts);
}
