// Taylor-mode coefficients against series built independently: f(x0 + q(t)) = sum_n c_n q(t)^n
// with each function's known Taylor coefficients c_n at x0, for a polynomial curve q, up to order 6.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { rand64, relErr, t64 } from '../support/check.js';

const K = 6;
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

/** Truncated product of two coefficient lists. */
function mulSeries(a: number[], b: number[]): number[] {
  return a.map((_, k) => a.slice(0, k + 1).reduce((s, ai, j) => s + ai * b[k - j], 0));
}

/** Taylor coefficients of outer(x0 + q(t)) given outer's coefficients c_n around x0 and q_0 = 0. */
function compose(c: number[], q: number[]): number[] {
  const out = new Array<number>(K + 1).fill(0);
  let qn = [1, ...new Array<number>(K).fill(0)];
  for (let n = 0; n <= K; n++) {
    qn.forEach((v, k) => (out[k] += c[n] * v));
    qn = mulSeries(qn, q);
  }
  return out;
}

/** d^n/dT^n polynomials of tanh expressed in T = tanh(x): P_{n+1}(T) = P_n'(T) (1 - T^2). */
function tanhDerivatives(T: number): number[] {
  let p = [0, 1]; // P_0(T) = T, coefficients by power
  const values: number[] = [];
  for (let n = 0; n <= K; n++) {
    values.push(p.reduce((s, a, i) => s + a * T ** i, 0));
    const dp = p.slice(1).map((a, i) => a * (i + 1));
    const next = new Array<number>(dp.length + 2).fill(0);
    dp.forEach((a, i) => {
      next[i] += a;
      next[i + 2] -= a;
    });
    p = next;
  }
  return values;
}

/** d^n/dx^n of erf: (-1)^(n-1) H_(n-1)(x) 2/sqrt(pi) e^(-x^2), H the physicists' Hermite polynomials (numerically). */
function erfDerivative(n: number, x: number): number {
  if (n === 0) return 0.6038560908479259; // erf(0.6), the only point used
  const h = [1, 2 * x];
  for (let k = 1; k < n; k++) h.push(2 * x * h[k] - 2 * k * h[k - 1]);
  return (-1) ** (n - 1) * h[n - 1] * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
}

/** Derivatives of softplus: log(1 + e^x), then those of the sigmoid S as polynomials, P_{n+1}(S) = P_n'(S) (S - S^2). */
function softplusDerivatives(x: number): number[] {
  const S = 1 / (1 + Math.exp(-x));
  let p = [0, 1]; // S itself
  const values = [Math.log1p(Math.exp(x))];
  for (let n = 1; n <= K; n++) {
    values.push(p.reduce((s, a, i) => s + a * S ** i, 0));
    const dp = p.slice(1).map((a, i) => a * (i + 1));
    const next = new Array<number>(dp.length + 2).fill(0);
    dp.forEach((a, i) => {
      next[i + 1] += a;
      next[i + 2] -= a;
    });
    p = next;
  }
  return values;
}

const binom = (p: number, n: number): number => {
  let r = 1;
  for (let i = 0; i < n; i++) r *= (p - i) / (i + 1);
  return r;
};

// Taylor coefficients c_n = f^(n)(x0) / n! of each function
const known: Record<string, { f: (x: fx.Tensor) => fx.Tensor; x0: number; c: (n: number, x0: number) => number }> = {
  exp: { f: fx.exp, x0: 0.4, c: (n, x) => Math.exp(x) / fact(n) },
  sin: { f: fx.sin, x0: 0.7, c: (n, x) => Math.sin(x + (n * Math.PI) / 2) / fact(n) },
  cos: { f: fx.cos, x0: -0.3, c: (n, x) => Math.cos(x + (n * Math.PI) / 2) / fact(n) },
  log: { f: fx.log, x0: 1.3, c: (n, x) => (n === 0 ? Math.log(x) : (-1) ** (n + 1) / (n * x ** n)) },
  sqrt: { f: fx.sqrt, x0: 1.7, c: (n, x) => binom(0.5, n) * x ** (0.5 - n) },
  'pow 2.5': { f: (x) => fx.pow(x, 2.5), x0: 1.2, c: (n, x) => binom(2.5, n) * x ** (2.5 - n) },
  'pow 3 (at 0)': { f: (x) => fx.pow(x, 3), x0: 0, c: (n) => (n === 3 ? 1 : 0) },
  reciprocal: { f: (x) => fx.div(1, x), x0: 0.8, c: (n, x) => (-1) ** n / x ** (n + 1) },
  tanh: { f: fx.tanh, x0: 0.35, c: (n, x) => tanhDerivatives(Math.tanh(x))[n] / fact(n) },
  erf: { f: fx.erf, x0: 0.6, c: (n, x) => erfDerivative(n, x) / fact(n) },
  softplus: { f: fx.softplus, x0: 0.3, c: (n, x) => softplusDerivatives(x)[n] / fact(n) },
  abs: { f: fx.abs, x0: -0.8, c: (n) => [0.8, -1][n] ?? 0 },
  floor: { f: fx.floor, x0: 1.3, c: (n) => (n === 0 ? 1 : 0) },
  sign: { f: fx.sign, x0: -2, c: (n) => (n === 0 ? -1 : 0) },
  // atan2 (binary, jet from its partials): atan2(x, 1) = atan(x), whose derivatives are those of 1/(1+x^2) integrated
  'atan2(x, 1)': { f: (x) => fx.atan2(x, 1), x0: 0.4, c: (n, x) => atanCoefficient(n, x) },
};

/** Taylor coefficients of atan at x: atan(x) for n = 0, else the (n-1)-th coefficient of 1/(1+x^2) divided by n. */
function atanCoefficient(n: number, x: number): number {
  if (n === 0) return Math.atan(x);
  // 1/(1+(x+t)^2) = 1/(a + b t + t^2) with a = 1+x^2, b = 2x: coefficients by long division
  const r = [1 / (1 + x * x)];
  for (let k = 1; k < n; k++) r.push(-(2 * x * r[k - 1] + (k >= 2 ? r[k - 2] : 0)) / (1 + x * x));
  return r[n - 1] / n;
}

describe('jet: Taylor coefficients up to order 6', () => {
  // a polynomial input curve x(t) = x0 + 0.9 t - 0.6 t^2 + 0.25 t^3 (normalised coefficients)
  const q = [0, 0.9, -0.6, 0.25, 0, 0, 0];
  const inputSeries = q.slice(1).map((qk, i) => t64([qk * fact(i + 1)], [1])); // JAX convention: derivatives

  for (const [name, { f, x0, c }] of Object.entries(known)) {
    it(`${name} of a polynomial curve`, () => {
      const expected = compose(
        [...Array(K + 1).keys()].map((n) => c(n, x0)),
        q,
      );
      const [y, ys] = fx.jet(f, t64([x0], [1]), inputSeries);
      expect(y.item()).to.be.closeTo(expected[0], 1e-12);
      ys.forEach((yk, i) => {
        const want = expected[i + 1] * fact(i + 1);
        expect(yk.item()).to.be.closeTo(want, 1e-9 * Math.max(1, Math.abs(want)), `order ${i + 1}`);
      });
    });
  }

  it('matches nested jvp for an MLP (orders 1-4) and keeps the JAX convention v^T H v at order 2', () => {
    const net = fx.nn.mlp({ layers: [3, 8, 8, 2], seed: 3, dtype: 'f64' });
    const u = (x: fx.Tensor) => net.apply(net.params, x);
    const x = rand64([5, 3], 7);
    const v = rand64([5, 3], 8);
    const [, ys] = fx.jet(u, x, [v, null, null, null]);
    let dk: (z: fx.Tensor) => fx.Tensor = u;
    for (let k = 0; k < 4; k++) {
      const prev = dk;
      dk = (z) => fx.jvp(prev, [z], [v])[1];
      expect(relErr(ys[k].dataSync(), dk(x).dataSync())).to.be.below(1e-10, `order ${k + 1}`);
    }
  });

  it('atan2 with both arguments moving: r sin(atan2(a, b)) reproduces a(t) to order 6', () => {
    // a(x) = x^2 + 1, b(x) = 2 - x^3: the identity sqrt(a^2 + b^2) sin(atan2(a, b)) = a holds along any curve
    const a = (x: fx.Tensor) => fx.add(fx.mul(x, x), 1);
    const b = (x: fx.Tensor) => fx.sub(2, fx.mul(fx.mul(x, x), x));
    const viaAngle = (x: fx.Tensor) => fx.mul(fx.sqrt(fx.add(fx.square(a(x)), fx.square(b(x)))), fx.sin(fx.atan2(a(x), b(x))));
    const [y, ys] = fx.jet(viaAngle, t64([0.3], [1]), inputSeries);
    const [y0, want] = fx.jet(a, t64([0.3], [1]), inputSeries);
    expect(y.item()).to.be.closeTo(y0.item(), 1e-12);
    ys.forEach((t, i) => expect(t.item()).to.be.closeTo(want[i].item(), 1e-9 * Math.max(1, Math.abs(want[i].item())), `order ${i + 1}`));
  });

  it('propagates a second-order input term (curve acceleration)', () => {
    // y = sin(x(t)), x(t) = x0 + v t + a t^2 / 2: y'' = -sin(x0) v^2 + cos(x0) a
    const [, [, y2]] = fx.jet(fx.sin, t64([0.3], [1]), [t64([2], [1]), t64([0.5], [1])]);
    expect(y2.item()).to.be.closeTo(-Math.sin(0.3) * 4 + Math.cos(0.3) * 0.5, 1e-12);
  });

  it('handles matmul, reductions, gather, concat, max and where inside the traced function', () => {
    const W = rand64([3, 3], 12);
    const f = (x: fx.Tensor) => {
      const h = fx.tanh(fx.matmul(x, W));
      const g = fx.gather(h, [2, 0], 1);
      const m = fx.maximum(g, fx.mul(g, 0.5));
      return fx.sum(fx.concat([m, fx.where(fx.greater(h, 0), h, fx.exp(h))], 1), 1);
    };
    const x = rand64([4, 3], 13);
    const v = rand64([4, 3], 14);
    const [, ys] = fx.jet(f, x, [v, null, null]);
    let dk = f;
    for (let k = 0; k < 3; k++) {
      const prev = dk;
      dk = (z) => fx.jvp(prev, [z], [v])[1];
      expect(relErr(ys[k].dataSync(), dk(x).dataSync())).to.be.below(1e-10);
    }
  });
});
