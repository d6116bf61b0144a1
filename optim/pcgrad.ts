// PCGrad (Yu et al. 2020, "Gradient surgery for multi-task learning"): for each loss i, walk the
// other losses in a seeded random order and remove from g_i its component along any g_j it
// conflicts with (g_i . g_j < 0); the update is the sum of the projected gradients.
// Every projected gradient stays a combination of the original g_k, so the surgery is done on
// coefficient vectors with the n x n Gram matrix, and the result is returned as weights.
import type { JsonValue, Optimizer, OptimState, Vec } from './types.js';
import { CombinedGradientOptimizer } from './combined.js';
import { gram } from './linalg.js';
import { Mulberry32 } from '../core/random.js';
import { readNumber } from './state.js';
import { weightedSum } from './vec.js';

/** Weights w with sum_k w_k g_k equal to the PCGrad direction, from the Gram matrix G. */
export function pcgradWeightsFromGram(G: Float64Array, n: number, rng: Mulberry32): number[] {
  const w = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const coef = new Float64Array(n);
    coef[i] = 1;
    const order = rng.shuffle(Array.from({ length: n }, (_, k) => k));
    for (const j of order) {
      if (j === i || G[j * n + j] === 0) continue;
      let d = 0; // (sum_k coef_k g_k) . g_j
      for (let k = 0; k < n; k++) d += coef[k] * G[k * n + j];
      if (d < 0) coef[j] -= d / G[j * n + j];
    }
    for (let k = 0; k < n; k++) w[k] += coef[k];
  }
  return w;
}

export function pcgradDirection(grads: readonly Vec[], seed: number, out: Vec = new Float64Array(grads[0].length)): Vec {
  return weightedSum(pcgradWeightsFromGram(gram(grads), grads.length, new Mulberry32(seed)), grads, out);
}

export class PCGrad extends CombinedGradientOptimizer {
  private readonly rng: Mulberry32;
  constructor(base: Optimizer, o: { seed?: number } = {}) {
    super('pcgrad', base);
    this.rng = new Mulberry32(o.seed ?? 0);
  }
  protected weights(_losses: number[], grads: Vec[]): number[] {
    return pcgradWeightsFromGram(gram(grads), grads.length, this.rng);
  }
  protected ownState(): Record<string, JsonValue> {
    return { rng: this.rng.seedState };
  }
  protected loadOwn(s: OptimState): void {
    this.rng.seedState = readNumber(s, 'rng');
  }
}
