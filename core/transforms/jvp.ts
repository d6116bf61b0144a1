// Forward mode: push one tangent per variable through the JVP rule table (null = symbolic zero).
import { bind, bindInputs, read } from '../trace.js';
import { Var, type Graph, type Params } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { addMaybe, applyLinear, isLinear } from './common.js';

/** Output tangent of a non-linear primitive; `t` are the input tangents (null = zero). */
type JvpRule = (x: Tensor[], t: Array<Tensor | null>, y: Tensor, p: Params) => Tensor | null;

const scale = (t: Tensor | null, by: Tensor): Tensor | null => (t ? ops.mul(t, by) : null);

const rules: Record<string, JvpRule> = {
  mul: ([a, b], [ta, tb]) => addMaybe(scale(ta, b), scale(tb, a)),
  div: ([, b], [ta, tb], y) => {
    const num = tb ? (ta ? ops.sub(ta, ops.mul(y, tb)) : ops.neg(ops.mul(y, tb))) : ta;
    return num ? ops.div(num, b) : null;
  },
  max: ([a, b], [ta, tb]) => ops.where(bind('ge', [a, b]), ta ?? ops.zerosLike(a), tb ?? ops.zerosLike(b)),
  exp: (_, [t], y) => scale(t, y),
  log: ([x], [t]) => (t ? ops.div(t, x) : null),
  sin: ([x], [t]) => scale(t, ops.cos(x)),
  cos: ([x], [t]) => (t ? ops.neg(ops.mul(t, ops.sin(x))) : null),
  tanh: (_, [t], y) => scale(t, ops.sub(1, ops.square(y))),
  sqrt: (_, [t], y) => (t ? ops.div(ops.mul(t, 0.5), y) : null),
  powc: ([x], [t], _, p) => scale(t, ops.mul(ops.pow(x, (p.exponent as number) - 1), p.exponent as number)),
  matmul: ([a, b], [ta, tb], _, p) =>
    addMaybe(ta ? bind('matmul', [ta, b], p) : null, tb ? bind('matmul', [a, tb], p) : null),
  reduce_max: ([x], [t], y, p) => {
    if (!t) return null;
    const kept = x.shape.map((d, i) => (p.axes?.includes(i) ? 1 : d));
    const isMax = bind('eq', [x, ops.broadcastTo(ops.reshape(y, kept), x.shape)]);
    return bind('reduce_sum', [ops.where(isMax, t, 0)], p);
  },
  gt: () => null,
  ge: () => null,
  eq: () => null,
  stop_gradient: () => null,
  random: () => null,
};

export const hasJvpRule = (prim: string): boolean => prim in rules || isLinear(prim);

/** Evaluates g on `primals` with `tangents` (null = zero) and returns outputs and output tangents. */
export function jvpGraph(g: Graph, primals: readonly Tensor[], tangents: ReadonlyArray<Tensor | null>): [Tensor[], Array<Tensor | null>] {
  const env = bindInputs(g, primals);
  const tan = new Map<Var, Tensor>();
  g.inputs.forEach((v, i) => {
    const t = tangents[i];
    if (t) tan.set(v, t);
  });
  const tangentOf = (a: (typeof g.eqns)[number]['inputs'][number]): Tensor | null => (a instanceof Var ? (tan.get(a) ?? null) : null);
  for (const e of g.eqns) {
    const xs = e.inputs.map((a) => read(env, a));
    const y = bind(e.prim, xs, e.params);
    env.set(e.out, y);
    const ts = e.inputs.map(tangentOf);
    if (ts.every((t) => !t)) continue;
    let t: Tensor | null;
    if (isLinear(e.prim)) t = applyLinear(e, xs, ts);
    else {
      const rule = rules[e.prim];
      if (!rule) throw new Error(`jvp: no rule for primitive '${e.prim}'`);
      t = rule(xs, ts, y, e.params);
    }
    if (t) tan.set(e.out, t);
  }
  return [g.outputs.map((a) => read(env, a)), g.outputs.map(tangentOf)];
}
