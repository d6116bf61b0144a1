// Pieces shared by the transformation interpreters.
import { Var, type Eqn, type Graph } from '../ir.js';
import { bind } from '../trace.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';

/** Variables that depend on the graph's explicit inputs selected by `from` (all by default). */
export function activeVars(g: Graph, from: readonly boolean[] = g.inputs.map(() => true)): Set<Var> {
  const active = new Set<Var>(g.inputs.filter((_, i) => from[i]));
  for (const e of g.eqns) if (e.inputs.some((a) => a instanceof Var && active.has(a))) active.add(e.out);
  return active;
}

/** Sums `t` down to `shape` (the adjoint of broadcasting). */
export function unbroadcast(t: Tensor, shape: readonly number[]): Tensor {
  const lead = t.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < t.rank; d++) if (d < lead || (shape[d - lead] === 1 && t.shape[d] !== 1)) axes.push(d);
  return ops.reshape(ops.sum(t, axes), shape);
}

/** Shape of a reduction's output with the reduced axes kept as size 1. */
export const keptShape = (inShape: readonly number[], axes: readonly number[]): number[] =>
  inShape.map((d, i) => (axes.includes(i) ? 1 : d));

/** a + b where either may be a symbolic zero (null). */
export function addMaybe(a: Tensor | null | undefined, b: Tensor | null | undefined): Tensor | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return ops.add(a, b);
}

/** Primitives linear in some inputs, with those positions; the others (indices, conditions) stay primal. */
const LINEAR: Record<string, readonly number[] | 'all'> = {
  add: 'all', sub: 'all', neg: 'all', cast: 'all', broadcast: 'all', reshape: 'all', transpose: 'all',
  reduce_sum: 'all', concat: 'all', slice: 'all', pad: 'all', gather: [0], scatter_add: [1], where: [1, 2],
  rfft: 'all', irfft: 'all', fft: 'all', ifft: 'all',
};

export const isLinear = (prim: string): boolean => prim in LINEAR;

/**
 * Pushes perturbations through a linear primitive: the same primitive applied to them, primal values
 * at non-linear positions, zeros for absent ones. Returns null when every perturbation is zero.
 */
export function applyLinear(e: Eqn, primals: readonly Tensor[], perturbations: ReadonlyArray<Tensor | null>): Tensor | null {
  const lin = LINEAR[e.prim];
  const linearAt = (i: number): boolean => lin === 'all' || lin.includes(i);
  if (e.out.dtype === 'i32' || primals.every((_, i) => !linearAt(i) || !perturbations[i])) return null;
  if (e.prim === 'add' || e.prim === 'sub') {
    const [a, b] = perturbations;
    if (!b) return a;
    if (!a) return e.prim === 'add' ? b : ops.neg(b);
  }
  const ins = primals.map((x, i) => (linearAt(i) ? (perturbations[i] ?? ops.zerosLike(x)) : x));
  return bind(e.prim, ins, e.params);
}
