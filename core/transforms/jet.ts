// Taylor mode: propagate truncated Taylor series through the graph, any order.
// Internally series are normalised coefficients, x(t) = sum_k c_k t^k (c_0 the primal); a null coefficient is zero.
// The rule of each primitive follows from its one definition of the derivative (core/prims/): linear maps
// apply themselves to every coefficient, elementwise f(x) composes its derivatives f', f'', ... with the
// input series (Faa di Bruno), elementwise f(a, b) integrates y' = sum_i df/dx_i x_i' with the partials'
// own series (as JAX's jet does for primitives defined by their derivative), and the rest bring their own rule.
import { bindInputs, makeGraph, read, rebind } from '../trace.js';
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { lax } from '../lax.js';
import { defOf } from '../prims/registry.js';
import type { CustomParams } from '../prims/custom.js';
import type { Series } from '../prims/types.js';
import { convolve } from '../prims/elementwise.js';
import { addMaybe, applyLinear, times } from './common.js';

type T = Tensor | null;

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/**
 * y = f(x) for an elementwise f with derivatives f^(j): y_k = sum_j f^(j)/j! [t^k] h(t)^j, where
 * h(t) = x(t) - x_0 (Faa di Bruno in normalised coefficients). Powers of h are built only as far as needed.
 */
function composeUnary(derivatives: (n: number) => T[], x: Series, y0: Tensor, K: number): Series {
  // powers[j][k] = [t^k] h^j
  const powers: Series[] = [[null, ...x.slice(1)]];
  for (let j = 2; j <= K; j++) {
    const prev = powers[j - 2];
    const next: Series = new Array<T>(K + 1).fill(null);
    for (let k = j; k <= K; k++) next[k] = convolve(lax, prev, x, k, j - 1, k - 1);
    if (next.every((t) => !t)) break;
    powers.push(next);
  }
  const d = derivatives(powers.length);
  const y: Series = [y0];
  for (let k = 1; k <= K; k++) {
    let acc: T = null;
    powers.forEach((p, i) => {
      const dj = d[i];
      if (p[k] && dj) acc = addMaybe(acc, ops.mul(times(dj, 1 / factorial(i + 1)) as Tensor, p[k] as Tensor));
    });
    y.push(acc);
  }
  return y;
}

/**
 * y = f(a, b) with partials g_i: y' = sum_i g_i(a, b) x_i', so y_k = (1/k) sum_i sum_j j x_i,j g_i,(k-j), with
 * the partials' series one order lower taken by differentiating them in turn.
 */
function composeBinary(partials: (a: Tensor, b: Tensor) => [Tensor, Tensor], xs: Series[], y0: Tensor, K: number): Series {
  const primals = xs.map((s) => s[0] as Tensor);
  const g = makeGraph(
    (a, b) => partials(a, b),
    primals.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );
  const [gs, gSeries] = jetGraph(
    g,
    primals,
    xs.map((s) => s.slice(1, K).map((t, k) => times(t, factorial(k + 1)))),
    K - 1,
  );
  const gCoeffs: Series[] = gs.map((g0, i) => [g0, ...gSeries[i].map((t, k) => times(t, 1 / factorial(k + 1)))]);
  const y: Series = [y0];
  for (let k = 1; k <= K; k++) {
    let acc: T = null;
    xs.forEach(
      (x, i) =>
        (acc = addMaybe(
          acc,
          convolve(lax, x, gCoeffs[i], k, 1, k, (j) => j),
        )),
    );
    y.push(times(acc, 1 / k));
  }
  return y;
}

/** A function with user rules: the jvp rule at first order, else the Taylor series of its primal. */
function composeCustom(e: Eqn, xs: Series[], K: number): Series {
  const p = e.params as CustomParams[keyof CustomParams];
  const primals = xs.map((s) => s[0] as Tensor);
  if (K === 1 && e.prim === 'custom_jvp') {
    const [y, t] = (p as CustomParams['custom_jvp']).jvp(
      primals,
      xs.map((s, i) => s[1] ?? ops.zerosLike(primals[i])),
    );
    return [y, t];
  }
  try {
    const [[y], [s]] = jetGraph(
      p.primal,
      primals,
      xs.map((x) => x.slice(1).map((t, k) => times(t, factorial(k + 1)))),
      K,
    );
    return [y, ...s.map((t, k) => times(t, 1 / factorial(k + 1)))];
  } catch (err) {
    throw new Error(`jet: '${p.name}' has no Taylor rule of order ${K} and its primal cannot be differentiated: ${(err as Error).message}`);
  }
}

/** The output series of one equation from its input series (coefficients 1..K; entry 0 the primal). */
function seriesOut(e: Eqn, ins: Series[], y0: Tensor, K: number): Series {
  const diff = defOf(e.prim).diff;
  const xs = ins.map((s) => s[0] as Tensor);
  switch (diff.kind) {
    case 'linear': {
      const ys: Series = [y0];
      for (let k = 1; k <= K; k++)
        ys.push(
          applyLinear(
            e,
            xs,
            ins.map((s) => s[k]),
          ),
        );
      return ys;
    }
    case 'zero':
      return [y0, ...new Array<null>(K).fill(null)];
    case 'unary':
      return composeUnary((n) => diff.derivatives(lax, xs[0], y0, n, e.params), ins[0], y0, K);
    case 'binary':
      return composeBinary((a, b) => diff.partials(lax, a, b), ins, y0, K);
    case 'rules':
      return diff.jet(lax, ins, y0, K, e.params);
    case 'custom':
      return composeCustom(e, ins, K);
  }
}

/**
 * Evaluates g on `primals` with Taylor series `series[i][k-1]` = k-th derivative of input i's curve
 * (JAX jet convention; null = zero). Returns outputs and their derivative series, K = series length.
 */
export function jetGraph(g: Graph, primals: readonly Tensor[], series: ReadonlyArray<ReadonlyArray<T>>, K: number): [Tensor[], T[][]] {
  const env = bindInputs(g, primals);
  const coeffs = new Map<Var, Series>();
  g.inputs.forEach((v, i) => {
    const s = series[i] ?? [];
    if (s.some((t) => t)) coeffs.set(v, [null, ...Array.from({ length: K }, (_, k) => times(s[k] ?? null, 1 / factorial(k + 1)))]);
  });
  const seriesOf = (a: Atom, primal: Tensor): Series => {
    const s = a instanceof Var ? coeffs.get(a) : undefined;
    return s ? [primal, ...s.slice(1)] : [primal, ...Array<null>(K).fill(null)];
  };
  for (const e of g.eqns) {
    const xs = e.inputs.map((a) => read(env, a));
    const active = e.inputs.some((a) => a instanceof Var && coeffs.has(a));
    if (active && defOf(e.prim).diff.kind === 'custom') {
      const ys = composeCustom(
        e,
        e.inputs.map((a, i) => seriesOf(a, xs[i])),
        K,
      );
      env.set(e.out, ys[0] as Tensor);
      if (ys.slice(1).some((t) => t)) coeffs.set(e.out, ys);
      continue;
    }
    const y0 = rebind(e, xs);
    env.set(e.out, y0);
    if (!active) continue;
    const ys = seriesOut(
      e,
      e.inputs.map((a, i) => seriesOf(a, xs[i])),
      y0,
      K,
    );
    if (ys.slice(1).some((t) => t)) coeffs.set(e.out, ys);
  }
  const outs = g.outputs.map((a) => read(env, a));
  const outSeries = g.outputs.map((a, i) =>
    seriesOf(a, outs[i])
      .slice(1)
      .map((t, k) => times(t, factorial(k + 1))),
  );
  return [outs, outSeries];
}
