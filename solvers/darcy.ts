// 2D Darcy flow -div(a grad u) = f on the unit square, u = 0 on the boundary, with a and u on
// the s x s node grid (x_i = i/(s-1)) used by the FNO Darcy benchmark.
import { diffusionOperator } from './stencil2d.js';
import { solveFivePoint, type GridSolveResult, type SpdSolveOptions } from './spdSolve.js';

export interface DarcyOptions extends SpdSolveOptions {
  /** source term: a constant or s*s node values (default 1) */
  f?: number | Float64Array;
}

/** Solves Darcy flow for the coefficient a given at s*s nodes (s >= 3). */
export function solveDarcy(a: Float64Array, opts: DarcyOptions = {}): GridSolveResult {
  const s = Math.round(Math.sqrt(a.length));
  if (s * s !== a.length || s < 3)
    throw new RangeError(`solveDarcy: coefficient must be an s*s node grid with s >= 3, got ${a.length} values`);
  const f = opts.f ?? 1;
  let rhs: Float64Array;
  if (typeof f === 'number') rhs = new Float64Array(s * s).fill(f);
  else if (f.length === s * s) rhs = f;
  else throw new RangeError(`solveDarcy: f must be a number or ${s * s} node values, got ${f.length}`);
  return solveFivePoint(diffusionOperator(a, s - 1), rhs, opts);
}
