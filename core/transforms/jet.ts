// Taylor mode: propagate truncated Taylor series through the jet rule table.
// Internally series are normalised coefficients, x(t) = sum_k c_k t^k (c_0 the primal); a null coefficient is zero.
// Recurrences follow Griewank & Walther, "Evaluating Derivatives", ch. 13.
import { bind, bindInputs, read } from '../trace.js';
import { Var, type Atom, type Graph, type Params } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { addMaybe, applyLinear, isLinear, keptShape } from './common.js';

/** Coefficients 0..K of a series; entry 0 is the primal and never null. */
type Series = Array<Tensor | null>;
/** Coefficients 1..K of the output (entry 0 unused) for a non-linear primitive. */
type JetRule = (xs: Series[], y0: Tensor, K: number, p: Params) => Series;
type Mul = (a: Tensor, b: Tensor) => Tensor;

const times = (t: Tensor | null, c: number): Tensor | null => (t && c !== 1 ? ops.mul(t, c) : t);
const mulMaybe = (a: Tensor | null, b: Tensor | null, mul: Mul): Tensor | null =>
  a && b ? mul(a, b) : null;

/** sum_{j=lo..hi} w(j) * a_j * b_{k-j}, skipping zero terms. */
function convolve(a: Series, b: Series, k: number, lo: number, hi: number, w: (j: number) => number = () => 1, mul: Mul = ops.mul): Tensor | null {
  let acc: Tensor | null = null;
  for (let j = lo; j <= hi; j++) {
    const wj = w(j);
    if (wj !== 0) acc = addMaybe(acc, times(mulMaybe(a[j], b[k - j], mul), wj));
  }
  return acc;
}

/** Series of y where y' = x' * z for a series z built alongside (exp, tanh, sin/cos). */
function integrate(x: Series, z: Series, k: number): Tensor | null {
  return times(convolve(x, z, k, 1, k, (j) => j), 1 / k);
}

function product(a: Series, b: Series, K: number, mul: Mul = ops.mul): Series {
  const out: Series = [null];
  for (let k = 1; k <= K; k++) out.push(convolve(a, b, k, 0, k, undefined, mul));
  return out;
}

function sinCos(x: Series, K: number): [Series, Series] {
  const s: Series = [ops.sin(x[0] as Tensor)];
  const c: Series = [ops.cos(x[0] as Tensor)];
  for (let k = 1; k <= K; k++) {
    s.push(integrate(x, c, k));
    c.push(times(integrate(x, s, k), -1));
  }
  return [s, c];
}

const rules: Record<string, JetRule> = {
  mul: ([a, b], _, K) => product(a, b, K),
  matmul: ([a, b], _, K, p) => product(a, b, K, (u, v) => bind('matmul', [u, v], p)),
  div: ([a, b], y0, K) => {
    const y: Series = [y0];
    for (let k = 1; k <= K; k++) {
      const num = addMaybe(a[k], times(convolve(b, y, k, 1, k), -1));
      y.push(num ? ops.div(num, b[0] as Tensor) : null);
    }
    return y;
  },
  exp: ([x], y0, K) => {
    const y: Series = [y0];
    for (let k = 1; k <= K; k++) y.push(integrate(x, y, k));
    return y;
  },
  log: ([x], y0, K) => {
    const y: Series = [y0];
    for (let k = 1; k <= K; k++) {
      const num = addMaybe(x[k], times(convolve(y, x, k, 1, k - 1, (j) => j), -1 / k));
      y.push(num ? ops.div(num, x[0] as Tensor) : null);
    }
    return y;
  },
  sin: ([x], _, K) => sinCos(x, K)[0],
  cos: ([x], _, K) => sinCos(x, K)[1],
  tanh: ([x], y0, K) => {
    // y' = x' (1 - y^2): carry z = 1 - y^2 alongside y
    const y: Series = [y0];
    const z: Series = [ops.sub(1, ops.square(y0))];
    for (let k = 1; k <= K; k++) {
      y.push(integrate(x, z, k));
      z.push(times(convolve(y, y, k, 0, k), -1));
    }
    return y;
  },
  sqrt: ([x], y0, K) => {
    const y: Series = [y0];
    const twoY0 = ops.mul(y0, 2);
    for (let k = 1; k <= K; k++) {
      const num = addMaybe(x[k], times(convolve(y, y, k, 1, k - 1), -1));
      y.push(num ? ops.div(num, twoY0) : null);
    }
    return y;
  },
  powc: ([x], y0, K, p) => {
    const e = p.exponent as number;
    if (Number.isInteger(e) && e >= 0 && e <= 8) {
      // repeated products stay exact at x0 = 0, where the recurrence below divides by zero
      if (e === 0) return [y0, ...Array<null>(K).fill(null)];
      let y: Series = x;
      for (let i = 2; i <= e; i++) y = [ops.mul(y[0] as Tensor, x[0] as Tensor), ...product(y, x, K).slice(1)];
      return [y0, ...y.slice(1)];
    }
    const y: Series = [y0];
    for (let k = 1; k <= K; k++) {
      const num = convolve(x, y, k, 1, k, (j) => e * j - (k - j));
      y.push(num ? ops.div(num, ops.mul(x[0] as Tensor, k)) : null);
    }
    return y;
  },
  max: ([a, b], y0, K) => {
    const takeA = bind('ge', [a[0] as Tensor, b[0] as Tensor]);
    const y: Series = [y0];
    for (let k = 1; k <= K; k++) {
      y.push(a[k] || b[k] ? ops.where(takeA, a[k] ?? ops.zerosLike(y0), b[k] ?? ops.zerosLike(y0)) : null);
    }
    return y;
  },
  reduce_max: ([x], y0, K, p) => {
    const x0 = x[0] as Tensor;
    const isMax = bind('eq', [x0, ops.broadcastTo(ops.reshape(y0, keptShape(x0.shape, p.axes as number[])), x0.shape)]);
    const y: Series = [y0];
    for (let k = 1; k <= K; k++) y.push(x[k] ? bind('reduce_sum', [ops.where(isMax, x[k] as Tensor, 0)], p) : null);
    return y;
  },
  gt: (_, y0, K) => [y0, ...Array<null>(K).fill(null)],
  ge: (_, y0, K) => [y0, ...Array<null>(K).fill(null)],
  eq: (_, y0, K) => [y0, ...Array<null>(K).fill(null)],
  stop_gradient: (_, y0, K) => [y0, ...Array<null>(K).fill(null)],
  random: (_, y0, K) => [y0, ...Array<null>(K).fill(null)],
};

export const hasJetRule = (prim: string): boolean => prim in rules || isLinear(prim);

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/**
 * Evaluates g on `primals` with Taylor series `series[i][k-1]` = k-th derivative of input i's curve
 * (JAX jet convention; null = zero). Returns outputs and their derivative series, K = series length.
 */
export function jetGraph(
  g: Graph,
  primals: readonly Tensor[],
  series: ReadonlyArray<ReadonlyArray<Tensor | null>>,
  K: number,
): [Tensor[], Array<Array<Tensor | null>>] {
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
    const y0 = bind(e.prim, xs, e.params);
    env.set(e.out, y0);
    if (!e.inputs.some((a) => a instanceof Var && coeffs.has(a))) continue;
    const ins = e.inputs.map((a, i) => seriesOf(a, xs[i]));
    let ys: Series;
    if (isLinear(e.prim)) {
      ys = [y0];
      for (let k = 1; k <= K; k++) ys.push(applyLinear(e, xs, ins.map((s) => s[k])));
    } else {
      const rule = rules[e.prim];
      if (!rule) throw new Error(`jet: no rule for primitive '${e.prim}'`);
      ys = rule(ins, y0, K, e.params);
    }
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
