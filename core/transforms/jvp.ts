// Forward mode: push one tangent per variable through the graph (null = symbolic zero). Each
// primitive's rule comes from its one definition of the derivative (core/prims/).
import { bindInputs, read, rebind } from '../trace.js';
import { Var, type Eqn, type Graph } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { lax } from '../lax.js';
import { defOf } from '../prims/registry.js';
import type { CustomParams } from '../prims/custom.js';
import { addMaybe, applyLinear } from './common.js';

type T = Tensor | null;

/** The output tangent of one equation with primal inputs xs, output y and input tangents ts. */
function tangentOut(e: Eqn, xs: Tensor[], ts: T[], y: Tensor): T {
  const diff = defOf(e.prim).diff;
  switch (diff.kind) {
    case 'linear':
      return applyLinear(e, xs, ts);
    case 'zero':
      return null;
    case 'unary': {
      const [d1] = diff.derivatives(lax, xs[0], y, 1, e.params);
      return ts[0] && d1 ? ops.mul(ts[0], d1) : null;
    }
    case 'binary': {
      const partials = diff.partials(lax, xs[0], xs[1]);
      return ts.reduce<T>((acc, t, i) => addMaybe(acc, t ? ops.mul(t, partials[i]) : null), null);
    }
    case 'rules':
      // the first-order Taylor coefficient
      return diff.jet(
        lax,
        xs.map((x, i) => [x, ts[i]]),
        y,
        1,
        e.params,
      )[1];
    case 'custom':
      throw new Error('internal: custom equations are handled by jvpGraph');
  }
}

/** [output, tangent] of a function with user rules: its jvp rule, or (custom_vjp) the primal's derivative. */
function customTangent(e: Eqn, xs: Tensor[], ts: T[]): [Tensor, T] {
  if (e.prim === 'custom_jvp') {
    const p = e.params as CustomParams['custom_jvp'];
    return p.jvp(
      xs,
      ts.map((t, i) => t ?? ops.zerosLike(xs[i])),
    );
  }
  const p = e.params as CustomParams['custom_vjp'];
  const [[y], [t]] = jvpGraph(p.primal, xs, ts);
  return [y, t];
}

/** Evaluates g on `primals` with `tangents` (null = zero) and returns outputs and output tangents. */
export function jvpGraph(g: Graph, primals: readonly Tensor[], tangents: ReadonlyArray<T>): [Tensor[], T[]] {
  const env = bindInputs(g, primals);
  const tan = new Map<Var, Tensor>();
  g.inputs.forEach((v, i) => {
    const t = tangents[i];
    if (t) tan.set(v, t);
  });
  const tangentOf = (a: Eqn['inputs'][number]): T => (a instanceof Var ? (tan.get(a) ?? null) : null);
  for (const e of g.eqns) {
    const xs = e.inputs.map((a) => read(env, a));
    const ts = e.inputs.map(tangentOf);
    const active = ts.some((t) => t);
    if (active && defOf(e.prim).diff.kind === 'custom') {
      const [y, t] = customTangent(e, xs, ts);
      env.set(e.out, y);
      if (t) tan.set(e.out, t);
      continue;
    }
    const y = rebind(e, xs);
    env.set(e.out, y);
    if (!active) continue;
    const t = tangentOut(e, xs, ts, y);
    if (t) tan.set(e.out, t);
  }
  return [g.outputs.map((a) => read(env, a)), g.outputs.map(tangentOf)];
}
