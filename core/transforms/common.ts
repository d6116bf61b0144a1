// Pieces shared by the transformation interpreters.
import { Var, type Eqn, type Graph } from '../ir.js';
import { rebind } from '../trace.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { defOf } from '../prims/registry.js';

/** Variables that depend on the graph's explicit inputs selected by `from` (all by default). */
export function activeVars(g: Graph, from: readonly boolean[] = g.inputs.map(() => true)): Set<Var> {
  const active = new Set<Var>(g.inputs.filter((_, i) => from[i]));
  for (const e of g.eqns) if (e.inputs.some((a) => a instanceof Var && active.has(a))) active.add(e.out);
  return active;
}

/** a + b where either may be a symbolic zero (null). */
export function addMaybe(a: Tensor | null | undefined, b: Tensor | null | undefined): Tensor | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return ops.add(a, b);
}

/** t * c, skipping the multiplication by one and keeping a symbolic zero. */
export const times = (t: Tensor | null, c: number): Tensor | null => (t && c !== 1 ? ops.mul(t, c) : t);

/**
 * Pushes perturbations through a linear primitive: the same primitive applied to them, primal values
 * at non-linear positions, zeros for absent ones. Returns null when every perturbation is zero.
 */
export function applyLinear(e: Eqn, primals: readonly Tensor[], perturbations: ReadonlyArray<Tensor | null>): Tensor | null {
  const diff = defOf(e.prim).diff;
  if (diff.kind !== 'linear') throw new Error(`internal: '${e.prim}' is not linear`);
  const linearAt = (i: number): boolean => diff.in === 'all' || diff.in.includes(i);
  if (e.out.dtype === 'i32' || primals.every((_, i) => !linearAt(i) || !perturbations[i])) return null;
  if (e.prim === 'add' || e.prim === 'sub') {
    const [a, b] = perturbations;
    if (!b) return a;
    if (!a) return e.prim === 'add' ? b : ops.neg(b);
  }
  const ins = primals.map((x, i) => (linearAt(i) ? (perturbations[i] ?? ops.zerosLike(x)) : x));
  return rebind(e, ins);
}
