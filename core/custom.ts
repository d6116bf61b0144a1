// User-defined derivative rules (JAX's custom_vjp / custom_jvp): a function is recorded as one equation
// carrying its traced primal and the rules, which jit, grad, vjp, jvp and jet then use (core/transforms/).
import { bind, makeGraph } from './trace.js';
import type { Tensor } from './tensor.js';

type Fn = (...xs: Tensor[]) => Tensor;

function tracePrimal(what: string, f: Fn, xs: readonly Tensor[]) {
  const primal = makeGraph(
    (...ys) => f(...ys),
    xs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );
  if (primal.outputs.length !== 1) throw new Error(`${what}: the function must return one Tensor`);
  return primal;
}

/**
 * f with a user-supplied reverse-mode rule: `fwd(...xs)` returns [f(xs), residuals] and `bwd(residuals, ct)`
 * one cotangent (or null for zero) per input. grad/vjp use the rule (fwd runs in the forward pass);
 * jvp and jet differentiate f itself. Composes with jit.
 */
export function customVjp(
  f: Fn,
  fwd: (...xs: Tensor[]) => [Tensor, Tensor[]],
  bwd: (residuals: Tensor[], ct: Tensor) => Array<Tensor | null>,
): Fn {
  const name = f.name || 'customVjp';
  return (...xs) => {
    if (xs.every((x) => !x.isTracer)) return f(...xs);
    return bind('custom_vjp', xs, { name, primal: tracePrimal(`customVjp '${name}'`, f, xs), f, fwd, bwd });
  };
}

/**
 * f with a user-supplied forward-mode rule: `jvp(primals, tangents)` returns [f(primals), tangent], linear
 * in the tangents. jvp uses it, grad/vjp use its transpose, jet uses it at first order and differentiates f
 * itself at higher orders. Composes with jit.
 */
export function customJvp(f: Fn, jvp: (primals: Tensor[], tangents: Tensor[]) => [Tensor, Tensor]): Fn {
  const name = f.name || 'customJvp';
  return (...xs) => {
    if (xs.every((x) => !x.isTracer)) return f(...xs);
    return bind('custom_jvp', xs, { name, primal: tracePrimal(`customJvp '${name}'`, f, xs), f, jvp });
  };
}
