// Shared checks for the STDE tests: seeded f64 test functions and a mean-within-standard-errors test.
import { expect } from 'chai';
import * as fx from '../../index.js';

/** A smooth row-wise test function [N, d] -> [N, 1]: small tanh MLP plus a non-separable analytic part. */
export function testFunction(d: number, seed: number): (x: fx.Tensor) => fx.Tensor {
  const net = fx.nn.mlp({ layers: [d, 8, 1], seed, dtype: 'f64' });
  const w = fx.random.normal(seed + 100, [d, 1], 'f64');
  return (x) => fx.add(net.apply(net.params, x), fx.sin(fx.matmul(x, w)));
}

export function points(N: number, d: number, seed: number): fx.Tensor {
  const u = fx.random.uniform(seed, [N, d], 'f64').dataSync();
  return fx.tensor(
    Float64Array.from(u, (v) => 2 * v - 1),
    [N, d],
    'f64',
  );
}

/** Per-entry mean and standard error of repeated draws. */
export function meanAndSe(draws: readonly ArrayLike<number>[]): { mean: number[]; se: number[] } {
  const n = draws.length;
  const k = draws[0].length;
  const mean = Array.from({ length: k }, (_, i) => draws.reduce((s, r) => s + r[i], 0) / n);
  const se = mean.map((m, i) => Math.sqrt(draws.reduce((s, r) => s + (r[i] - m) ** 2, 0) / (n - 1) / n));
  return { mean, se };
}

/** Every entry of the mean of draws within 4 standard errors of exact; also returns the statistics. */
export function expectUnbiased(
  draws: readonly ArrayLike<number>[],
  exact: ArrayLike<number>,
  what: string,
): { mean: number[]; se: number[] } {
  const stats = meanAndSe(draws);
  stats.mean.forEach((m, i) => {
    expect(Math.abs(m - exact[i]), `${what} entry ${i}: mean ${m} exact ${exact[i]} se ${stats.se[i]}`).to.be.below(
      4 * stats.se[i] + 1e-10,
    );
  });
  return stats;
}

/** Sum of pure k-th partials over coordinates by fx.derivative (the reference for diagonal operators). */
export function exactDiagonal(f: (x: fx.Tensor) => fx.Tensor, x: fx.Tensor, k: number): Float64Array {
  const d = x.shape[1];
  const out = new Float64Array(x.shape[0]);
  for (let i = 0; i < d; i++) {
    const a = Array<number>(d).fill(0);
    a[i] = k;
    fx.derivative(f, x, a)
      .dataSync()
      .forEach((v, n) => (out[n] += v));
  }
  return out;
}

export const seeds = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
