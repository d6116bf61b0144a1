// 2D Darcy flow -div(a grad u) = f on the unit square, u = 0 on the boundary, with a and u on
// the s x s node grid (x_i = i/(s-1)) used by the FNO Darcy benchmark.
import { pcg, type LinearMap } from './cg.js';
import { diffusionOperator, interiorOf, withZeroBoundary, type FivePointOperator } from './stencil2d.js';
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
    case 'none': return undefined;
    case 'jacobi': return jacobiPreconditioner(A);
    case 'ic0': return ic0Preconditioner(A);
    case 'multigrid': return new Multigrid(A).asPreconditioner();
    default: throw new RangeError(`preconditioner must be 'none' | 'jacobi' | 'ic0' | 'multigrid', got '${String(kind)}'`);
  }
}

/** PCG on a five-point system with right-hand side given on the node grid. */
export function solveFivePoint(A: FivePointOperator, rhsNodes: Float64Array, opts: SpdSolveOptions = {}, x0?: Float64Array): GridSolveResult {
  const kind = opts.preconditioner ?? (A.n % 2 === 0 ? 'multigrid' : 'ic0');
  const res = pcg((x, y) => A.apply(x, y), interiorOf(rhsNodes, A.n), {
    preconditioner: makePreconditioner(A, kind),
    tol: opts.tol ?? 1e-10,
    maxIter: opts.maxIter,
    x0,
  });
  return { u: withZeroBoundary(res.x, A.n), iterations: res.iterations, converged: res.converged, residualHistory: res.residualHistory };
}

export interface DarcyOptions extends SpdSolveOptions {
  /** source term: a constant or s*s node values (default 1) */
  f?: number | Float64Array;
}

/** Solves Darcy flow for the coefficient a given at s*s nodes (s >= 3). */
export function solveDarcy(a: Float64Array, opts: DarcyOptions = {}): GridSolveResult {
  const s = Math.round(Math.sqrt(a.length));
  if (s * s !== a.length || s < 3) throw new RangeError(`solveDarcy: coefficient must be an s*s node grid with s >= 3, got ${a.length} values`);
  const f = opts.f ?? 1;
  let rhs: Float64Array;
  if (typeof f === 'number') rhs = new Float64Array(s * s).fill(f);
  else if (f.length === s * s) rhs = f;
  else throw new RangeError(`solveDarcy: f must be a number or ${s * s} node values, got ${f.length}`);
  return solveFivePoint(diffusionOperator(a, s - 1), rhs, opts);
}
