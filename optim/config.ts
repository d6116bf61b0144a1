// ConFIG (Liu, Chu, Thuerey 2024, "ConFIG: towards conflict-free training of PINNs").
// Unit gradients u_i = g_i/|g_i|; d solves U d = 1 in the minimum-norm sense, so d has the same
// positive projection on every u_i; the update is (sum_i g_i . e) e with e = d/|d|.
// With d = sum_k a_k u_k and a = M^+ 1 (M = Gram matrix of the u_i), everything reduces to the
// n x n Gram matrix of the raw gradients, and the result is a weighted sum of the g_i.
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { gram, pinvSolveSymmetric } from './linalg.js';
import { axpy, dot, norm, weightedSum } from './vec.js';

/** ConFIG weights w with g_ConFIG = sum_k w_k g_k, from the Gram matrix G (row-major n x n). */
export function configWeightsFromGram(G: Float64Array, n: number): number[] {
  const active: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < n; i++) {
    const ri = Math.sqrt(G[i * n + i]);
    r.push(ri);
    if (ri > 0) active.push(i); // a zero gradient has no direction and no conflict
  }
  const w = new Array<number>(n).fill(0);
  const k = active.length;
  if (k === 0) return w;
  const M = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const i = active[a];
      const j = active[b];
      M[a * k + b] = G[i * n + j] / (r[i] * r[j]);
    }
  }
  const alpha = pinvSolveSymmetric(M, k, new Array<number>(k).fill(1), 1e-12);
  const Ma = new Float64Array(k);
  let d2 = 0;
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += M[a * k + b] * alpha[b];
    Ma[a] = s;
    d2 += alpha[a] * s;
  }
  if (!(d2 > 0)) return w; // exactly opposing gradients: no conflict-free direction exists
  const dn = Math.sqrt(d2);
  // g_i . e = |g_i| (M a)_i / |d|; the step length is the sum of these projections.
  let proj = 0;
  for (let a = 0; a < k; a++) proj += (r[active[a]] * Ma[a]) / dn;
  for (let a = 0; a < k; a++) w[active[a]] = (proj * alpha[a]) / (dn * r[active[a]]);
  return w;
}

export function configWeights(grads: readonly Vec[]): number[] {
  return configWeightsFromGram(gram(grads), grads.length);
}

/** The ConFIG update vector for any number of losses (written into `out`). */
export function configDirection(grads: readonly Vec[], out: Vec = new Float64Array(grads[0].length)): Vec {
  return weightedSum(configWeights(grads), grads, out);
}

/**
 * The paper's closed form for two losses, via the orthogonal components
 * g1_perp2 = g1 - (g1.g2/|g2|^2) g2: e = U[U(g1_perp2) + U(g2_perp1)], result (g1.e + g2.e) e.
 */
export function configTwo(g1: Vec, g2: Vec, out: Vec = new Float64Array(g1.length)): Vec {
  const n1 = dot(g1, g1);
  const n2 = dot(g2, g2);
  const c = dot(g1, g2);
  const p1 = Float64Array.from(g1);
  axpy(-c / n2, g2, p1);
  const p2 = Float64Array.from(g2);
  axpy(-c / n1, g1, p2);
  const l1 = norm(p1);
  const l2 = norm(p2);
  out.fill(0);
  if (l1 === 0 || l2 === 0) {
    // parallel gradients: the bisector of the unit gradients is the limit of the formula
    axpy(1 / Math.sqrt(n1), g1, out);
    axpy(1 / Math.sqrt(n2), g2, out);
  } else {
    axpy(1 / l1, p1, out);
    axpy(1 / l2, p2, out);
  }
  const len = norm(out);
  if (len === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] /= len;
  const s = dot(g1, out) + dot(g2, out);
  for (let i = 0; i < out.length; i++) out[i] *= s;
  return out;
}

/** ConFIG direction fed to an inner optimizer (Adam by default, as in the paper). */
export class ConFIG extends CombinedGradientOptimizer {
  constructor(base: Optimizer) {
    super('config', base);
  }
  protected weights(_losses: number[], grads: Vec[]): number[] {
    return configWeights(grads);
  }
  protected ownState(): Record<string, JsonValue> {
    return {};
  }
  protected loadOwn(_s: OptimState): void {}
}
