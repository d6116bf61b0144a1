// Unit-cube samplers behind one streaming interface, so rejection sampling can keep drawing
// from the same low-discrepancy sequence instead of restarting it.
import { mulberry32, permutation } from '../../core/random.js';
import { HaltonSequence } from './halton.js';
import { SobolSequence } from './sobol.js';
import { HammersleySequence } from './hammersley.js';
import { checkCount } from '../points.js';

export type SamplerKind = 'uniform' | 'lhs' | 'halton' | 'sobol' | 'hammersley';
export const SAMPLER_KINDS: readonly SamplerKind[] = ['uniform', 'lhs', 'halton', 'sobol', 'hammersley'];

export interface UnitSampler {
  readonly dim: number;
  readonly kind: SamplerKind;
  /** Next n points in [0,1)^dim, row-major. */
  next(n: number): Float64Array;
}

export function checkSamplerKind(kind: string): SamplerKind {
  if (!(SAMPLER_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`sampler: expected one of ${SAMPLER_KINDS.join(', ')}, got '${kind}'`);
  }
  return kind as SamplerKind;
}

/** Latin hypercube: each coordinate has exactly one point per stratum [k/n, (k+1)/n). */
export function latinHypercube(n: number, dim: number, seed = 0): Float64Array {
  checkCount(n);
  const rand = mulberry32(seed);
  const out = new Float64Array(n * dim);
  for (let j = 0; j < dim; j++) {
    const perm = permutation(n, rand);
    for (let i = 0; i < n; i++) out[i * dim + j] = (perm[i] + rand()) / n;
  }
  return out;
}

/**
 * Streaming sampler. For halton/sobol the leading origin point is skipped (it sits on the
 * domain corner); hammersley gives an n-point set per next(n) (see hammersley.ts); seed 0 gives the plain sequence, any other seed a Cranley-Patterson random
 * shift (mod 1), which keeps the low discrepancy on average while decorrelating runs.
 */
export function createSampler(kind: SamplerKind, dim: number, seed = 0): UnitSampler {
  checkSamplerKind(kind);
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`sampler dim: expected a positive integer, got ${dim}`);
  if (kind === 'uniform') {
    const rand = mulberry32(seed);
    return {
      dim,
      kind,
      next(n) {
        const out = new Float64Array(n * dim);
        for (let i = 0; i < out.length; i++) out[i] = rand();
        return out;
      },
    };
  }
  if (kind === 'lhs') {
    let batch = 0;
    return { dim, kind, next: (n) => latinHypercube(n, dim, seed * 7919 + batch++) };
  }
  const seq =
    kind === 'sobol' ? new SobolSequence(dim, 1) : kind === 'hammersley' ? new HammersleySequence(dim) : new HaltonSequence(dim, 1);
  if (seed === 0) return { dim, kind, next: (n) => seq.next(n) };
  const rand = mulberry32(seed);
  const shift = Float64Array.from({ length: dim }, () => rand());
  return {
    dim,
    kind,
    next(n) {
      const out = seq.next(n);
      for (let i = 0; i < out.length; i++) {
        const v = out[i] + shift[i % dim];
        out[i] = v >= 1 ? v - 1 : v;
      }
      return out;
    },
  };
}

export function sampleUnitCube(n: number, dim: number, kind: SamplerKind = 'uniform', seed = 0): Float64Array {
  checkCount(n);
  return createSampler(kind, dim, seed).next(n);
}

/**
 * Squared L2 star discrepancy by Warnock's formula, O(n^2 d). Used to compare samplers:
 * smaller is more uniform.
 */
export function l2StarDiscrepancySq(points: Float64Array, dim: number): number {
  const n = points.length / dim;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    let p = 1;
    for (let k = 0; k < dim; k++) {
      const x = points[i * dim + k];
      p *= (1 - x * x) / 2;
    }
    s1 += p;
  }
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let p = 1;
      for (let k = 0; k < dim; k++) p *= 1 - Math.max(points[i * dim + k], points[j * dim + k]);
      s2 += p;
    }
  }
  return 3 ** -dim - (2 / n) * s1 + s2 / (n * n);
}
