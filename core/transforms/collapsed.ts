// Collapsed second-order Taylor mode ("forward Laplacian", Li et al. 2023; Dangel et al. 2024):
// sum_k v_k^T H v_k for P directions per point, propagating the primal once ([N, ...]), the first-order
// coefficients per direction ([P*N, ...]) and the second-order coefficient already summed ([N, ...]).
// f must act row-wise; it is traced twice, on N and on P*N rows, and the two graphs are walked in step.
import { bindInputs, read, makeGraph, rebind } from '../trace.js';
import { Var, type Atom, type Graph } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { addMaybe, applyLinear } from './common.js';
import { sameShape } from '../shape.js';
import { repeatRows, tileRows, weightedBlockSum } from '../directions.js';
import { jet } from '../api.js';
import { lax } from '../lax.js';
import { defOf } from '../prims/registry.js';
import { NotCollapsible } from '../errors.js';

export { NotCollapsible };

type T = Tensor | null;

/** sum_k v_k^T H v_k per point ([N, ...]) for P directions per point given as rows of `directions` ([P*N, d]). */
export function collapsedSecondOrder(f: (x: Tensor) => Tensor, x: Tensor, directions: Tensor): Tensor {
  return collapsedTaylor2(f, x, directions).second;
}

/**
 * The whole collapsed pass: value f(x) [N, ...], first order J v_k per direction ([P*N, ...], block k =
 * direction k) and the summed second order sum_k v_k^T H v_k [N, ...].
 */
export function collapsedTaylor2(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  directions: Tensor,
): { value: Tensor; first: Tensor; second: Tensor } {
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
    if (like[0] !== P * t.shape[0] || !sameShape(like.slice(1), t.shape.slice(1)))
      throw new NotCollapsible(`cannot tile ${t.shape} to ${like}`);
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
    const y0 = rebind(e, xs);
    env.set(e.out, y0);
    const t1: T[] = eb.inputs.map((at) => (at instanceof Var ? (first.get(at) ?? null) : null));
    const t2: T[] = e.inputs.map((at) => (at instanceof Var ? (second.get(at) ?? null) : null));
    if (t1.every((t) => !t) && t2.every((t) => !t)) return;
    const tiled = (k: number): Tensor => tile(xs[k], (atomB(i, k) as Var | Tensor).shape);
    const diff = defOf(e.prim).diff;
    let y1: T = null;
    let y2: T = null;
    if (diff.kind === 'linear') {
      y1 = applyLinear(
        eb,
        xs.map((_, k) => tiled(k)),
        t1,
      );
      y2 = applyLinear(e, xs, t2);
    } else if (diff.kind === 'unary') {
      const [d1, d2] = diff.derivatives(lax, xs[0], y0, 2, e.params);
      y1 = t1[0] && d1 ? ops.mul(t1[0], tile(d1, eb.out.shape)) : null;
      y2 = addMaybe(t2[0] && d1 ? ops.mul(t2[0], d1) : null, t1[0] && d2 ? ops.mul(sumDirs(ops.square(t1[0]), y0.shape), d2) : null);
    } else if (diff.kind === 'rules' && diff.collapsed) {
      [y1, y2] = diff.collapsed(
        lax,
        {
          xs,
          y0,
          t1,
          t2,
          tiledIn: tiled,
          tiledOut: (t) => tile(t, eb.out.shape),
          sumDirs: (t) => sumDirs(t, y0.shape),
        },
        e.params,
      );
    } else if (diff.kind !== 'zero') {
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
