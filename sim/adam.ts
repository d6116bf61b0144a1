/**
 * Minimal flat-array Adam used by the simulator training loops. Kept local so sim/ has no
 * dependency on the concurrently written optim/ layer; swap for fx.optim.adam once joined.
 */
export interface FlatAdam {
  /** In-place update of params from grad. */
  step(params: Float64Array, grad: Float64Array): void;
}

export interface FlatAdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export function flatAdam(size: number, opts: FlatAdamOptions): FlatAdam {
  if (!(opts.lr > 0)) throw new Error(`flatAdam: lr must be > 0, got ${opts.lr}`);
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let t = 0;
  return {
    step(params, grad) {
      if (params.length !== size || grad.length !== size) {
        throw new Error(`flatAdam: expected params and grad of length ${size}, got ${params.length} and ${grad.length}`);
      }
      t++;
      const c1 = 1 - Math.pow(b1, t);
      const c2 = 1 - Math.pow(b2, t);
      for (let i = 0; i < size; i++) {
        const g = grad[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        params[i] -= (opts.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    },
  };
}
