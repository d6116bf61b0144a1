// Several scalar losses of one function and the gradient of each, from one forward evaluation: the
// losses of a PDE system share their points and derivative jets, so only the backward passes repeat.
import { makeGraph } from '../core/trace.js';
import { vjpGraph } from '../core/transforms/vjp.js';
import { leaves, unflatten, type PyTree } from '../core/pytree.js';
import * as ops from '../core/ops.js';
import type { Tensor } from '../core/tensor.js';

/** valuesAndGrads(f)(p, ...rest) -> [losses, grads]: grads[k] is d losses[k] / d p, shaped like p. */
export function valuesAndGrads<P extends PyTree, R extends unknown[]>(
  f: (p: P, ...rest: R) => Tensor[],
): (p: P, ...rest: R) => [Tensor[], P[]] {
  return (p, ...rest) => {
    const flat = leaves(p);
    const g = makeGraph(
      (...xs) => {
        const outs = f(unflatten(p, xs), ...rest);
        outs.forEach((o, k) => {
          if (o.size !== 1) throw new Error(`valuesAndGrads: loss ${k} is not a scalar (shape [${o.shape.join(', ')}])`);
        });
        return outs;
      },
      flat.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    );
    const { outs, pullback } = vjpGraph(g, flat);
    const grads = outs.map((o, k) => {
      const cts = pullback(outs.map((_, j) => (j === k ? ops.broadcastTo(ops.scalar(1, o.dtype), o.shape) : null)));
      return unflatten(
        p,
        cts.map((c, i) => c ?? ops.zerosLike(flat[i])),
      );
    });
    return [outs, grads];
  };
}
