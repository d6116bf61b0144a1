// Fixed (untrained) input embeddings applied before a network: exact periodicity in chosen coordinates
// and random Fourier features (Tancik et al. 2020). Their constants are captured, not parameters.
import { Tensor, tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { sampleInto } from '../core/random.js';
import type { DType } from '../core/dtype.js';

/** A fixed map of row-wise inputs [N, inDim] -> [N, dim]. */
export interface Embedding {
  readonly dim: number;
  apply(x: Tensor): Tensor;
}

export interface PeriodicAxis {
  /** input column */
  axis: number;
  /** period P: the embedding of x and x + P agree */
  period: number;
  /** k = 1..harmonics (default 1) */
  harmonics?: number;
}

const posInt = (v: number): boolean => Number.isInteger(v) && v > 0;

/**
 * Replaces each listed column x by [cos(2 pi k x / P), sin(2 pi k x / P)], k = 1..harmonics (cosines first), so
 * any network on top is exactly P-periodic in x, derivatives included; other columns pass through in order.
 */
export function periodicEmbedding(axes: readonly PeriodicAxis[], inDim: number, dtype: DType, label = 'periodic'): Embedding {
  const byAxis = new Map<number, PeriodicAxis>();
  axes.forEach((a, i) => {
    if (!Number.isInteger(a.axis) || a.axis < 0 || a.axis >= inDim)
      throw new Error(`${label}[${i}].axis: expected an input column 0..${inDim - 1}, got ${a.axis}`);
    if (byAxis.has(a.axis)) throw new Error(`${label}[${i}].axis: column ${a.axis} is listed twice`);
    if (!(Number.isFinite(a.period) && a.period > 0)) throw new Error(`${label}[${i}].period: expected a positive number, got ${a.period}`);
    if (a.harmonics !== undefined && !posInt(a.harmonics))
      throw new Error(`${label}[${i}].harmonics: expected a positive integer, got ${a.harmonics}`);
    byAxis.set(a.axis, a);
  });
  let dim = 0;
  // per input column: the angular frequencies 2 pi k / P as a [1, H] row, or null to pass the column through
  const freqs = Array.from({ length: inDim }, (_, i): Tensor | null => {
    const a = byAxis.get(i);
    if (!a) {
      dim += 1;
      return null;
    }
    const h = a.harmonics ?? 1;
    dim += 2 * h;
    return tensor(
      Float64Array.from({ length: h }, (_, k) => (2 * Math.PI * (k + 1)) / a.period),
      [1, h],
      dtype,
    );
  });
  return {
    dim,
    apply: (x) => {
      const parts: Tensor[] = [];
      freqs.forEach((w, i) => {
        const col = ops.sliceAxis(x, 1, i, i + 1);
        if (!w) return parts.push(col);
        const z = ops.mul(col, w);
        parts.push(ops.cos(z), ops.sin(z));
      });
      return parts.length === 1 ? parts[0] : ops.concat(parts, 1);
    },
  };
}

export interface FourierFeatureOptions {
  /** number of frequencies m (the embedding has 2m columns) */
  count: number;
  /** standard deviation of the Gaussian frequencies (default 1) */
  sigma?: number;
}

/** Random Fourier features gamma(x) = [cos(2 pi x B), sin(2 pi x B)] with a fixed seeded B ~ N(0, sigma^2), [inDim, count]. */
export function fourierFeatures(
  opts: FourierFeatureOptions,
  inDim: number,
  key: number,
  dtype: DType,
  label = 'fourierFeatures',
): Embedding & { B: Tensor } {
  const { count, sigma = 1 } = opts;
  if (!posInt(count)) throw new Error(`${label}.count: expected a positive integer, got ${count}`);
  if (!(Number.isFinite(sigma) && sigma > 0)) throw new Error(`${label}.sigma: expected a positive number, got ${sigma}`);
  const g = sampleInto('normal', key, inDim * count, dtype);
  for (let i = 0; i < g.length; i++) g[i] *= sigma;
  const B = new Tensor([inDim, count], dtype, g);
  const twoPiB = tensor(
    Float64Array.from(g, (v) => 2 * Math.PI * v),
    [inDim, count],
    dtype,
  );
  return {
    dim: 2 * count,
    B,
    apply: (x) => {
      const z = ops.matmul(x, twoPiB);
      return ops.concat([ops.cos(z), ops.sin(z)], 1);
    },
  };
}
