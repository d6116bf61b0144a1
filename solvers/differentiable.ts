// Differentiable entry points for the grid solvers: the host solvers (PCG with multigrid/ic0/none, Newton)
// run through fx.hostCall, and their gradients come from the implicit function theorem (core/implicit.ts):
// one adjoint solve with the same solver per gradient, nothing of the iterations stored.
import { hostCall, linearSolve, root } from '../core/implicit.js';
import * as ops from '../core/ops.js';
import type { Tensor } from '../core/tensor.js';
import type { DType, TypedArray } from '../core/dtype.js';
import { diffusionApply, interior, zeroBoundary } from './diffusionOps.js';
import { diffusionOperator, type FivePointOperator } from './stencil2d.js';
import { Multigrid } from './multigrid.js';
import { preconditionerFor, solveFivePointInterior, type SpdSolveOptions } from './spdSolve.js';
import { solveSemilinear, solveSemilinearJacobian, type NewtonOptions } from './semilinear.js';

export interface DiffusionSolveOptions extends SpdSolveOptions {
  /** 'pcg' (default; `preconditioner` picks its preconditioner) or 'multigrid' (V-cycles alone, solvers/multigrid.ts) */
  method?: 'pcg' | 'multigrid';
}

export interface DifferentiableSolveOptions {
  /** called after every host solve with its PCG iterations (forward, adjoint, each Newton step summed) */
  onSolve?: (iterations: number) => void;
}

/** (f, a) -> u on the [s, s] node grid, u = 0 on the boundary; differentiable in f and a. */
export type GridSolver = (f: Tensor, a: Tensor) => Tensor;

const asDtype = (x: Float64Array, dtype: DType): TypedArray => (dtype === 'f32' ? Float32Array.from(x) : x);

function checkGrids(name: string, f: Tensor, a: Tensor): void {
  const s = a.shape[0];
  if (a.rank !== 2 || a.shape[1] !== s || s < 3)
    throw new RangeError(`${name}: a must be an [s, s] node grid with s >= 3, got [${a.shape}]`);
  if (f.rank !== 2 || f.shape[0] !== s || f.shape[1] !== s)
    throw new RangeError(`${name}: f must be [${s}, ${s}] like a, got [${f.shape}]`);
  if (f.dtype !== a.dtype) throw new RangeError(`${name}: f and a must have one dtype, got ${f.dtype} and ${a.dtype}`);
}

/** The host-side operator for a coefficient grid handed over by hostCall (checks a > 0). */
const operatorOf = (a: TypedArray, shape: readonly number[]): FivePointOperator => diffusionOperator(Float64Array.from(a), shape[0] - 1);

/**
 * -div(a grad u) = f (Darcy / variable-coefficient Poisson) solved by PCG (`preconditioner`: 'multigrid',
 * 'ic0', 'jacobi' or 'none' for plain CG) or by multigrid V-cycles (`method: 'multigrid'`). The operator is
 * symmetric, so the gradient's adjoint solve is the same solver on the adjoint right-hand side.
 */
export function diffusionSolver(opts: DiffusionSolveOptions & DifferentiableSolveOptions = {}): GridSolver {
  const method = opts.method ?? 'pcg';
  if (method !== 'pcg' && method !== 'multigrid')
    throw new RangeError(`diffusionSolver: method must be 'pcg' or 'multigrid', got '${String(method)}'`);
  const hostSolve = (b: Tensor, a: Tensor): Tensor =>
    hostCall(
      `diffusion-${method}`,
      ([rhs, coef], shapes) => {
        const A = operatorOf(coef, shapes[1]);
        const res =
          method === 'pcg' ? solveFivePointInterior(A, Float64Array.from(rhs), opts) : new Multigrid(A).solve(Float64Array.from(rhs), opts);
        if (!res.converged)
          throw new Error(
            `diffusionSolver: ${method} did not converge in ${res.iterations} iterations (residual ${res.residualHistory.at(-1)})`,
          );
        opts.onSolve?.(res.iterations);
        return asDtype(res.x, b.dtype);
      },
      [b, a],
      { shape: b.shape, dtype: b.dtype },
    );
  const solve = linearSolve(diffusionApply, hostSolve, { symmetric: true });
  return (f, a) => {
    checkGrids('diffusionSolver', f, a);
    return zeroBoundary(solve(interior(f), a));
  };
}

/**
 * -div(a grad u) + u^3 = f solved by damped Newton (solvers/semilinear.ts), differentiated through the root
 * rule: the adjoint is one solve with the Newton Jacobian A + diag(3 u^2) at the solution, by the same PCG.
 */
export function semilinearSolver(opts: NewtonOptions & DifferentiableSolveOptions = {}): GridSolver {
  const F = (u: Tensor, fi: Tensor, a: Tensor): Tensor => ops.sub(ops.add(diffusionApply(u, a), ops.pow(u, 3)), fi);
  const newton = (u0: Tensor, fi: Tensor, a: Tensor): Tensor =>
    hostCall(
      'semilinear-newton',
      ([start, rhs, coef], shapes) => {
        const A = operatorOf(coef, shapes[2]);
        const res = solveSemilinear(A, Float64Array.from(rhs), preconditionerFor(A, opts), opts, Float64Array.from(start));
        opts.onSolve?.(res.linearIterations);
        return asDtype(res.u, u0.dtype);
      },
      [u0, fi, a],
      { shape: u0.shape, dtype: u0.dtype },
    );
  // J(u*) is symmetric: J^T lambda = ct is the Newton step's own linear solve at u*
  const adjoint = (_matvecT: (v: Tensor) => Tensor, ct: Tensor, u: Tensor, [, a]: Tensor[]): Tensor =>
    hostCall(
      'semilinear-adjoint',
      ([c, us, coef], shapes) => {
        const A = operatorOf(coef, shapes[2]);
        const { x, iterations } = solveSemilinearJacobian(A, Float64Array.from(us), Float64Array.from(c), preconditionerFor(A, opts), opts);
        opts.onSolve?.(iterations);
        return asDtype(x, ct.dtype);
      },
      [ct, u, a],
      { shape: ct.shape, dtype: ct.dtype },
    );
  const solve = root(F, newton, adjoint);
  return (f, a) => {
    checkGrids('semilinearSolver', f, a);
    const fi = interior(f);
    return zeroBoundary(solve(ops.zerosLike(fi), fi, a));
  };
}
