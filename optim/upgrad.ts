// UPGrad (Quinton & Rey 2024, "Jacobian Descent for Multi-Objective Optimization"): every loss gradient
// g_i is projected onto the dual cone of the Jacobian J (the directions x with J x >= 0, which raise no loss
// to first order), and the update is the mean of the projections. By duality the projection of g_i is J^T v
// with v = argmin { v^T G v : v >= e_i } (G = J J^T, the n x n Gram matrix), so everything is solved in
// n dimensions and the result is a weighted sum of the g_k.
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { gram, pinvSolveSymmetric } from './linalg.js';
import { weightedSum } from './vec.js';

const EXACT_UP_TO = 12; // losses; beyond, projected coordinate descent
const SWEEPS = 5000;

/**
 * argmin { v^T G v : v >= lower } (G symmetric positive semi-definite). Up to EXACT_UP_TO losses, exactly: the
 * KKT point among all choices of coordinates held at their bound (G_FF v_F = -G_FB lower_B for the free set F,
 * with v_F >= lower_F and (G v)_B >= 0); beyond, by projected coordinate descent.
 */
export function boxQp(G: Float64Array, n: number, lower: readonly number[]): number[] {
  if (n <= EXACT_UP_TO) {
    const scale = Math.max(1e-300, ...Array.from({ length: n }, (_, k) => G[k * n + k]));
    for (let mask = 0; mask < 1 << n; mask++) {
      const free = [...Array(n).keys()].filter((k) => mask & (1 << k));
      const v = [...lower];
      if (free.length) {
        const Gff = new Float64Array(free.length ** 2);
        free.forEach((a, i) => free.forEach((b, j) => (Gff[i * free.length + j] = G[a * n + b])));
        const rhs = free.map((a) => -lower.reduce((s, l, b) => s + (free.includes(b) ? 0 : G[a * n + b] * l), 0));
        const vf = pinvSolveSymmetric(Gff, free.length, rhs);
        free.forEach((a, i) => (v[a] = vf[i]));
      }
      const gv = (k: number) => v.reduce((s, vj, j) => s + G[k * n + j] * vj, 0);
      const tol = 1e-12 * scale * Math.max(1, ...v.map(Math.abs));
      const kkt = v.every((vk, k) => (free.includes(k) ? vk >= lower[k] - 1e-12 && Math.abs(gv(k)) <= tol : gv(k) >= -tol));
      if (kkt) return v;
    }
  }
  const v = [...lower];
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let change = 0;
    for (let k = 0; k < n; k++) {
      const gkk = G[k * n + k];
      if (gkk <= 0) continue; // a zero gradient: its coefficient does not matter, keep the bound
      let gv = 0;
      for (let j = 0; j < n; j++) gv += G[k * n + j] * v[j];
      const next = Math.max(lower[k], v[k] - gv / gkk);
      change = Math.max(change, Math.abs(next - v[k]));
      v[k] = next;
    }
    if (change <= 1e-15 * Math.max(1, ...v.map(Math.abs))) break;
  }
  return v;
}

/** UPGrad weights w with the aggregate = sum_k w_k g_k, from the Gram matrix G (row-major n x n). */
export function upgradWeightsFromGram(G: Float64Array, n: number): number[] {
  const w = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const v = boxQp(
      G,
      n,
      Array.from({ length: n }, (_, k) => (k === i ? 1 : 0)),
    );
    for (let k = 0; k < n; k++) w[k] += v[k] / n;
  }
  return w;
}

export function upgradDirection(grads: readonly Vec[], out: Vec = new Float64Array(grads[0].length)): Vec {
  return weightedSum(upgradWeightsFromGram(gram(grads), grads.length), grads, out);
}

export class UPGrad extends CombinedGradientOptimizer {
  constructor(base: Optimizer) {
    super('upgrad', base);
  }
  protected weights(_losses: number[], grads: Vec[]): number[] {
    return upgradWeightsFromGram(gram(grads), grads.length);
  }
  protected ownState(): Record<string, JsonValue> {
    return {};
  }
  protected loadOwn(_s: OptimState): void {}
}
