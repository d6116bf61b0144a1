// Collapsed second-order Taylor mode ("forward Laplacian", Li et al. 2023; Dangel et al. 2024):
// sum_k v_k^T H v_k for P directions per point, propagating the primal once ([N, ...]), the first-order
// coefficients per direction ([P*N, ...]) and the second-order coefficient already summed ([N, ...]).
// f must act row-wise; it is traced twice, on N and on P*N rows, and the two graphs are walked in step.
import { bind, bindInputs, read, makeGraph } from '../trace.js';
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { addMaybe, applyLinear, isLinear } from './common.js';
import { sameShape } from '../shape.js';
import { repeatRows, tileRows, weightedBlockSum } from '../directions.js';
import { jet } from '../api.js';

/** Raised when f is not row-wise in the way this mode needs; callers fall back to tiled jets. */
export class NotCollapsible extends Error {}

type T = Tensor | null;

/** First and second derivative of a unary primitive at x (y = f(x)). */
const unaryDerivs: Record<string, (x: Tensor, y: Tensor, p: Eqn['params']) => [Tensor, Tensor]> = {
  exp: (_, y) => [y, y],
  log: (x) => [ops.div(1, x), ops.neg(ops.div(1, ops.square(x)))],
  sin: (x) => [ops.cos(x), ops.neg(ops.sin(x))],
  cos: (x) => [ops.neg(ops.sin(x)), ops.neg(ops.cos(x))],
  tanh: (_, y) => {
    const d1 = ops.sub(1, ops.square(y));
    return [d1, ops.mul(ops.mul(y, d1), -2)];
  },
  sqrt: (_, y) => [ops.div(0.5, y), ops.div(-0.25, ops.mul(y, ops.square(y)))],
  powc: (x, _, p) => {
    const e = p.exponent as number;
    return [ops.mul(ops.pow(x, e - 1), e), ops.mul(ops.pow(x, e - 2), e * (e - 1))];
  },
};

/** sum_k v_k^T H v_k per point ([N, ...]) for P directions per point given as rows of `directions` ([P*N, d]). */
export function collapsedSecondOrder(f: (x: Tensor) => Tensor, x: Tensor, directions: Tensor): Tensor {
  return collapsedTaylor2(f, x, directions).second;
}

/**
 * The whole collapsed pass: value f(x) [N, ...], first order J v_k per direction ([P*N, ...], block k =
 * direction k) and the summed second order sum_k v_k^T H v_k [N, ...].
 */
export function collapsedTaylor2(f: (x: Tensor) => Tensor, x: Tensor, directions: Tensor): { value: Tensor; first: Tensor; second: Tensor } {
  const [N] = x.shape;
  const P = directions.shape[0] / N;
  if (!Number.isInteger(P) || P < 1) throw new NotCollapsible(`directions ${directions.shape} do not tile ${x.shape}`);
  const a: Graph = makeGraph((z) => f(z), [{ shape: x.shape, dtype: x.dtype }]);
  const b: Graph = makeGraph((z) => f(z), [{ shape: directions.shape, dtype: x.dtype }]);
  if (a.eqns.length !== b.eqns.length || a.eqns.some((e, i) => e.prim !== b.eqns[i].prim) || a.outputs.length !== 1) {
    throw new NotCollapsible('f traces differently on N and P*N rows');
  }
  /** A value of graph a brought to the row count of graph b (rows repeated per direction). */
  const tile = (t: Tensor, like: readonly number[]): Tensor => {
    if (sameShape(t.shape, like)) return t;
    if (like[0] !== P * t.shape[0] || !sameShape(like.slice(1), t.shape.slice(1))) throw new NotCollapsible(`cannot tile ${t.shape} to ${like}`);
    return repeatRows(t, P);
  };
  /** Sum over directions of a per-direction value: [P*N, ...] -> [N, ...]. */
  const sumDirs = (t: Tensor, like: readonly number[]): Tensor => {
    if (sameShape(t.shape, like)) throw new NotCollapsible('a value mixes rows');
    return ops.sum(ops.reshape(t, [P, ...like]), 0);
  };

  const env = bindInputs(a, [x]);
  const first = new Map<Var, Tensor>([[b.inputs[0], directions]]);
  const second = new Map<Var, Tensor>();
  const atomB = (i: number, k: number): Atom => b.eqns[i].inputs[k];
  a.eqns.forEach((e, i) => {
    const eb = b.eqns[i];
    const xs = e.inputs.map((at) => read(env, at));
    const y0 = bind(e.prim, xs, e.params);
    env.set(e.out, y0);
    const t1: T[] = eb.inputs.map((at) => (at instanceof Var ? (first.get(at) ?? null) : null));
    const t2: T[] = e.inputs.map((at) => (at instanceof Var ? (second.get(at) ?? null) : null));
    if (t1.every((t) => !t) && t2.every((t) => !t)) return;
    const tiled = (k: number): Tensor => tile(xs[k], (atomB(i, k) as Var | Tensor).shape);
    let y1: T = null;
    let y2: T = null;
    if (isLinear(e.prim)) {
      y1 = applyLinear(eb, xs.map((_, k) => tiled(k)), t1);
      y2 = applyLinear(e, xs, t2);
    } else if (e.prim === 'mul' || e.prim === 'matmul') {
      const mul = (u: Tensor, v: Tensor): Tensor => (e.prim === 'mul' ? ops.mul(u, v) : bind('matmul', [u, v], e.params));
      const [x1a, x1b] = t1;
      y1 = addMaybe(x1a ? mul(x1a, tiled(1)) : null, x1b ? mul(tiled(0), x1b) : null);
      y2 = addMaybe(t2[0] ? mul(t2[0], xs[1]) : null, t2[1] ? mul(xs[0], t2[1]) : null);
      if (x1a && x1b) {
        if (e.prim === 'matmul') throw new NotCollapsible('matmul of two x-dependent operands');
        y2 = addMaybe(y2, ops.mul(sumDirs(ops.mul(x1a, x1b), y0.shape), 2));
      }
    } else if (e.prim === 'div') {
      // y = a / b: y1 = (a1 - y b1) / b, y2 = (a2 - y b2 - 2 sum(b1 y1)) / b  (derivative convention)
      const [a1, b1] = t1;
      const y0t = tile(y0, eb.out.shape);
      const bt = tiled(1);
      y1 = a1 || b1 ? ops.div(addMaybe(a1, b1 ? ops.neg(ops.mul(y0t, b1)) : null) as Tensor, bt) : null;
      const cross = b1 && y1 ? ops.mul(sumDirs(ops.mul(b1, y1), y0.shape), -2) : null;
      const num = addMaybe(addMaybe(t2[0], t2[1] ? ops.neg(ops.mul(y0, t2[1])) : null), cross);
      y2 = num ? ops.div(num, xs[1]) : null;
    } else if (e.prim in unaryDerivs) {
      const [d1, d2] = unaryDerivs[e.prim](xs[0], y0, e.params);
      y1 = t1[0] ? ops.mul(t1[0], tile(d1, eb.out.shape)) : null;
      y2 = addMaybe(t2[0] ? ops.mul(t2[0], d1) : null, t1[0] ? ops.mul(sumDirs(ops.square(t1[0]), y0.shape), d2) : null);
    } else if (e.prim === 'max') {
      const takeA = bind('ge', [xs[0], xs[1]]);
      const pick = (u: T, v: T, c: Tensor, like: Tensor): T => (u || v ? ops.where(c, u ?? ops.zerosLike(like), v ?? ops.zerosLike(like)) : null);
      y1 = pick(t1[0], t1[1], tile(takeA, eb.out.shape), tile(y0, eb.out.shape));
      y2 = pick(t2[0], t2[1], takeA, y0);
    } else if (!['gt', 'ge', 'eq', 'stop_gradient', 'random'].includes(e.prim)) {
      throw new NotCollapsible(`no collapsed rule for '${e.prim}'`);
    }
    if (y1) {
      // a first-order value must keep one row block per direction, or f mixes rows
      const rowsOk = eb.out.shape[0] === P * e.out.shape[0] && sameShape(eb.out.shape.slice(1), e.out.shape.slice(1));
      if (!rowsOk) throw new NotCollapsible(`'${e.prim}' mixes rows (${e.out.shape} vs ${eb.out.shape})`);
      first.set(eb.out, y1);
    }
    if (y2) second.set(e.out, y2);
  });
  const out = a.outputs[0];
  const y0 = read(env, out);
  const outB = b.outputs[0];
  const s = out instanceof Var ? second.get(out) : undefined;
  const f1 = outB instanceof Var ? first.get(outB) : undefined;
  return { value: y0, first: f1 ?? ops.zerosLike(tile(y0, [P * N, ...y0.shape.slice(1)])), second: s ?? ops.zerosLike(y0) };
}

/** collapsedTaylor2, or the same three values from one tiled second-order jet where f does not collapse. */
export function taylor2Along(f: (x: Tensor) => Tensor, x: Tensor, directions: Tensor): { value: Tensor; first: Tensor; second: Tensor } {
  try {
    return collapsedTaylor2(f, x, directions);
  } catch (e) {
    if (!(e instanceof NotCollapsible)) throw e;
    const [N] = x.shape;
    const P = directions.shape[0] / N;
    const [value, [first, second]] = jet(f, tileRows(x, P), [directions, null]);
    return { value: ops.sliceAxis(value, 0, 0, N), first, second: weightedBlockSum(second, P, new Array<number>(P).fill(1)) };
  }
}
