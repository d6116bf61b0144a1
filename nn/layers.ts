// Dense layers with the optional extras of PINN networks: random weight factorization (Wang et al. 2022)
// and adaptive activation slopes (Jagtap et al. 2020, LAAF per layer / GAAF shared).
import { type Tensor, zeros, tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { sampleInto } from '../core/random.js';
import type { DType } from '../core/dtype.js';
import { initWeights, layerKey, type InitKind } from './init.js';
import { activations, type Activation } from './mlp.js';

/**
 * One dense layer: plain weights W [fanIn, fanOut], or factorized W = V diag(exp(s)) (one scale per output
 * unit), plus an optional LAAF slope `a` for the activation that follows it.
 */
export type LayerParams =
  | { W: Tensor; b: Tensor }
  | { W: Tensor; b: Tensor; a: Tensor }
  | { s: Tensor; V: Tensor; b: Tensor }
  | { s: Tensor; V: Tensor; b: Tensor; a: Tensor };

export interface WeightFactorization {
  /** mean of the log-scales s (default 1) */
  mu?: number;
  /** their standard deviation (default 0.1) */
  sigma?: number;
}

export interface AdaptiveActivation {
  /** 'laaf': one trainable slope per layer; 'gaaf': one shared by all layers */
  kind: 'laaf' | 'gaaf';
  /** scale factor n in act(n a x) (default 10); a starts at 1/n so the network starts as the plain one */
  scale?: number;
}

/** What a network builder needs to make its layers (seeded, in order). */
export interface LayerFactory {
  readonly dtype: DType;
  /** a fresh layer fanIn -> fanOut; `activated` layers get a LAAF slope when LAAF is on */
  dense(fanIn: number, fanOut: number, activated: boolean): LayerParams;
  /** the GAAF slope (a scalar), or null */
  sharedSlope(): Tensor | null;
  /** act(x), or act(n a x) with the layer's (LAAF) or the shared (GAAF) slope */
  activate(h: Tensor, layer: LayerParams, shared: Tensor | undefined): Tensor;
}

const finite = (v: number): boolean => Number.isFinite(v);

export function layerFactory(o: {
  seed: number;
  dtype: DType;
  init: InitKind;
  activation: Activation;
  factorization?: WeightFactorization;
  adaptive?: AdaptiveActivation;
  label: string;
}): LayerFactory {
  const { seed, dtype, init, factorization, adaptive, label } = o;
  const act = activations[o.activation];
  if (!act) throw new Error(`${label}.activation: expected one of ${Object.keys(activations).join(', ')}, got '${o.activation}'`);
  const mu = factorization?.mu ?? 1;
  const sigma = factorization?.sigma ?? 0.1;
  if (factorization && !(finite(mu) && finite(sigma) && sigma >= 0)) {
    throw new Error(`${label}.weightFactorization: expected a finite mu and sigma >= 0, got mu ${mu}, sigma ${sigma}`);
  }
  const n = adaptive?.scale ?? 10;
  if (adaptive && adaptive.kind !== 'laaf' && adaptive.kind !== 'gaaf') {
    throw new Error(`${label}.adaptiveActivation.kind: expected 'laaf' or 'gaaf', got '${String(adaptive.kind)}'`);
  }
  if (adaptive && !(finite(n) && n > 0)) throw new Error(`${label}.adaptiveActivation.scale: expected a positive number, got ${n}`);
  const slope0 = (): Tensor => tensor(1 / n, [], dtype);
  let j = 0; // layer counter: layer j draws under layerKey(seed, j), nn.mlp's sequence
  return {
    dtype,
    dense(fanIn, fanOut, activated) {
      const key = layerKey(seed, j++);
      const W = initWeights(init, fanIn, fanOut, key, dtype);
      const b = zeros([fanOut], dtype);
      const laaf = activated && adaptive?.kind === 'laaf';
      if (!factorization) return laaf ? { W, b, a: slope0() } : { W, b };
      // s ~ N(mu, sigma) per output unit; V = W / exp(s) so that V diag(exp(s)) is the initial W
      const s = sampleInto('normal', layerKey(seed, j - 1, 1), fanOut, dtype).map((z) => mu + sigma * z);
      const w = W.dataSync();
      const v = Float64Array.from(w, (x, i) => x / Math.exp(s[i % fanOut]));
      const f = { s: tensor(s, [fanOut], dtype), V: tensor(v, [fanIn, fanOut], dtype), b };
      return laaf ? { ...f, a: slope0() } : f;
    },
    sharedSlope: () => (adaptive?.kind === 'gaaf' ? slope0() : null),
    activate(h, layer, shared) {
      const a = 'a' in layer ? layer.a : shared;
      return act(a ? ops.mul(h, ops.mul(a, n)) : h);
    },
  };
}

/** h W + b with the layer's weights (rebuilt from V and s when factorized). */
export function denseApply(p: LayerParams, h: Tensor): Tensor {
  const W = 'W' in p ? p.W : ops.mul(p.V, ops.exp(p.s));
  return ops.add(ops.matmul(h, W), p.b);
}
