// CG written in differentiable ops with a fixed iteration count: what differentiating through the solver's
// iterations (unrolling) stores, the baseline the implicit rules are measured against.
import * as fx from '../../index.js';

export function unrolledCg(matvec: (p: fx.Tensor) => fx.Tensor, b: fx.Tensor, iterations: number): fx.Tensor {
  let x = fx.zerosLike(b);
  let r = b;
  let p = b;
  let rr = fx.sum(fx.square(r));
  for (let i = 0; i < iterations; i++) {
    const ap = matvec(p);
    const alpha = fx.div(rr, fx.sum(fx.mul(p, ap)));
    x = fx.add(x, fx.mul(alpha, p));
    r = fx.sub(r, fx.mul(alpha, ap));
    const next = fx.sum(fx.square(r));
    p = fx.add(r, fx.mul(fx.div(next, rr), p));
    rr = next;
  }
  return x;
}
