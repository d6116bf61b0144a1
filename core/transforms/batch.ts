// Vectorising map: a graph traced on one example is replayed on a whole batch. Every value either carries
// the batch axis in front (bdim 0) or is shared by all examples (null); each primitive's `batch` rule
// (core/prims/) maps batched inputs to a batched output, in primitives, so vmap composes with grad, jvp,
// jet and jit like any other traced code.
import { bindInputs, bind, makeGraph, read, rebind } from '../trace.js';
import { Var, type Eqn, type Graph } from '../ir.js';
import type { Tensor } from '../tensor.js';
import { lax } from '../lax.js';
import { defOf } from '../prims/registry.js';
import type { BatchDim, PrimName } from '../prims/types.js';
import type { CustomParams } from '../prims/custom.js';
import { lift } from '../prims/batching.js';

export interface BatchedValues {
  readonly values: Tensor[];
  readonly bdims: BatchDim[];
}

/** A per-example function over tensors, run on batched arguments (all batched at axis 0); outputs batched too. */
function batchedFn(size: number, f: (...xs: Tensor[]) => Tensor | Tensor[]) {
  return (...xs: Tensor[]): Tensor[] => {
    const g = makeGraph(
      f,
      xs.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype })),
    );
    const r = batchGraph(
      g,
      xs,
      xs.map(() => 0),
      size,
    );
    return r.values.map((v, i) => lift(lax, v, r.bdims[i], size));
  };
}

/** A function with user rules, rebuilt on batched arguments: its function and rules are vmapped in turn. */
function batchCustom(e: Eqn, ins: Tensor[], size: number): Tensor {
  // the batched function (first output) and its graph, as customVjp / customJvp record them
  const batchedPrimal = (fn: (...xs: Tensor[]) => Tensor | Tensor[]) => {
    const batched = batchedFn(size, fn);
    const f = (...ys: Tensor[]) => batched(...ys)[0];
    return {
      f,
      primal: makeGraph(
        f,
        ins.map((x) => ({ shape: x.shape, dtype: x.dtype })),
      ),
    };
  };
  if (e.prim === 'custom_jvp') {
    const p = e.params as CustomParams['custom_jvp'];
    const jvp = (primals: Tensor[], tangents: Tensor[]): [Tensor, Tensor] => {
      const n = primals.length;
      const [y, t] = batchedFn(size, (...pt: Tensor[]) => p.jvp(pt.slice(0, n), pt.slice(n)))(...primals, ...tangents);
      return [y, t];
    };
    return bind('custom_jvp', ins, { name: p.name, ...batchedPrimal(p.f), jvp });
  }
  const p = e.params as CustomParams['custom_vjp'];
  const fwd = (...ys: Tensor[]): [Tensor, Tensor[]] => {
    const [y, ...res] = batchedFn(size, (...zs: Tensor[]) => {
      const [out, residuals] = p.fwd(...zs);
      return [out, ...residuals];
    })(...ys);
    return [y, res];
  };
  const bwd = (res: Tensor[], ct: Tensor): Array<Tensor | null> => {
    const n = res.length;
    // per-example cotangents; a null (zero) one becomes explicit zeros so the batched output has a value
    return batchedFn(size, (...rc: Tensor[]) =>
      p.bwd(rc.slice(0, n), rc[n]).map((c, i) => c ?? lax.broadcastTo(lax.scalar(0, ins[i].dtype), ins[i].shape.slice(1))),
    )(...res, ct);
  };
  return bind('custom_vjp', ins, { name: p.name, ...batchedPrimal(p.f), fwd, bwd });
}

/**
 * Evaluates g (traced on one example) on `args`, each batched at axis 0 or shared (bdims), with `size`
 * examples; returns the outputs and which of them carry the batch axis.
 */
export function batchGraph(g: Graph, args: readonly Tensor[], bdims: readonly BatchDim[], size: number): BatchedValues {
  const env = bindInputs(g, args);
  const batched = new Set<Var>();
  g.inputs.forEach((v, i) => {
    if (bdims[i] === 0) batched.add(v);
  });
  const bdimOf = (a: Eqn['inputs'][number]): BatchDim => (a instanceof Var && batched.has(a) ? 0 : null);
  for (const e of g.eqns) {
    const xs = e.inputs.map((a) => read(env, a));
    const ds = e.inputs.map(bdimOf);
    if (ds.every((d) => d === null)) {
      env.set(e.out, rebind(e, xs));
      continue;
    }
    const def = defOf(e.prim);
    const y =
      def.diff.kind === 'custom'
        ? batchCustom(
            e,
            xs.map((x, i) => lift(lax, x, ds[i], size)),
            size,
          )
        : def.batch(lax, xs, {
            bdims: ds,
            size,
            params: e.params,
            same: (inputs, params) => bind<PrimName>(e.prim, inputs, params ?? e.params),
          });
    env.set(e.out, y);
    batched.add(e.out);
  }
  return { values: g.outputs.map((a) => read(env, a)), bdims: g.outputs.map(bdimOf) };
}
