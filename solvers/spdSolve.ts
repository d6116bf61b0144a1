// PCG solves of five-point systems with a choice of preconditioner (shared by Darcy, Poisson, heat).
import { pcg, type LinearMap, type PcgResult } from './cg.js';
import { interiorOf, withZeroBoundary, type FivePointOperator } from './stencil2d.js';
import { jacobiPreconditioner, ic0Preconditioner } from './preconditioners.js';
import { Multigrid } from './multigrid.js';

export type PreconditionerKind = 'none' | 'jacobi' | 'ic0' | 'multigrid';

export interface SpdSolveOptions {
  /** default 'multigrid' when n = s-1 is even, else 'ic0' */
  preconditioner?: PreconditionerKind;
  /** relative residual tolerance (default 1e-10) */
  tol?: number;
  maxIter?: number;
}

export interface GridSolveResult {
  /** solution on the full s x s node grid (row-major, x fastest), boundary zeros included */
  u: Float64Array;
  iterations: number;
  converged: boolean;
  residualHistory: number[];
}

export function makePreconditioner(A: FivePointOperator, kind: PreconditionerKind): LinearMap | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'jacobi':
      return jacobiPreconditioner(A);
    case 'ic0':
      return ic0Preconditioner(A);
    case 'multigrid':
      return new Multigrid(A).asPreconditioner();
    default:
      throw new RangeError(`preconditioner must be 'none' | 'jacobi' | 'ic0' | 'multigrid', got '${String(kind)}'`);
  }
}

/** The preconditioner `opts` asks for, defaulting to multigrid where n is even (it halves n), else ic0. */
export function preconditionerFor(A: FivePointOperator, opts: SpdSolveOptions): LinearMap | undefined {
  return makePreconditioner(A, opts.preconditioner ?? (A.n % 2 === 0 ? 'multigrid' : 'ic0'));
}

/** PCG on A x = b over the interior unknowns ((n-1)^2 values), preconditioned from A. */
export function solveFivePointInterior(A: FivePointOperator, b: Float64Array, opts: SpdSolveOptions = {}, x0?: Float64Array): PcgResult {
  return pcg((x, y) => A.apply(x, y), b, { preconditioner: preconditionerFor(A, opts), tol: opts.tol ?? 1e-10, maxIter: opts.maxIter, x0 });
}

/** PCG on a five-point system with right-hand side given on the node grid. */
export function solveFivePoint(
  A: FivePointOperator,
  rhsNodes: Float64Array,
  opts: SpdSolveOptions = {},
  x0?: Float64Array,
): GridSolveResult {
  const res = solveFivePointInterior(A, interiorOf(rhsNodes, A.n), opts, x0);
  return { u: withZeroBoundary(res.x, A.n), iterations: res.iterations, converged: res.converged, residualHistory: res.residualHistory };
}
