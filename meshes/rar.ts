// Residual-based adaptive refinement: pick new collocation points where the PDE residual is large.
import { type Points, checkCount, pointCount } from './points.js';
import { mulberry32 } from '../core/random.js';

export interface RarSelection {
  readonly points: Points;
  /** Indices into the candidate set, in selection order. */
  readonly indices: Uint32Array;
}

function gather(candidates: Points, idx: Uint32Array): RarSelection {
  const d = candidates.dim;
  const out = new Float64Array(idx.length * d);
  idx.forEach((j, i) => out.set(candidates.data.subarray(j * d, (j + 1) * d), i * d));
  return { points: { data: out, dim: d }, indices: idx };
}

function checkResiduals(candidates: Points, residualAbs: Float64Array, k: number, what: string): number {
  const n = pointCount(candidates);
  if (residualAbs.length !== n)
    throw new Error(`${what}: residualAbs has ${residualAbs.length} entries, expected one per candidate (${n})`);
  checkCount(k, `${what} k`);
  if (k > n) throw new Error(`${what}: k=${k} exceeds the ${n} candidates`);
  for (let i = 0; i < n; i++) {
    if (!(residualAbs[i] >= 0)) throw new Error(`${what}: residualAbs[${i}]=${residualAbs[i]} must be a non-negative number`);
  }
  return n;
}

/** RAR (Lu et al.): the k candidates with the largest |residual|, largest first. */
export function rarSelect(candidates: Points, residualAbs: Float64Array, k: number): RarSelection {
  const n = checkResiduals(candidates, residualAbs, k, 'rarSelect');
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => residualAbs[b] - residualAbs[a] || a - b);
  return gather(candidates, order.slice(0, k));
}

export interface RarDOptions {
  /** Exponent on the residual (k in Wu et al. 2023). Default 1. */
  readonly power?: number;
  /** Additive constant keeping low-residual regions sampled (c). Default 1. */
  readonly c?: number;
  readonly seed?: number;
}

/** RAR-D probabilities p_i proportional to r_i^power / mean(r^power) + c, normalized to sum 1. */
export function rarDProbabilities(residualAbs: Float64Array, power = 1, c = 1): Float64Array {
  if (!(power >= 0) || !(c >= 0)) throw new Error(`rarD: power and c must be non-negative, got power=${power}, c=${c}`);
  const w = residualAbs.map((r) => r ** power);
  const mean = w.reduce((s, v) => s + v, 0) / Math.max(w.length, 1);
  const p = w.map((v) => (mean > 0 ? v / mean : 0) + c);
  const total = p.reduce((s, v) => s + v, 0);
  if (!(total > 0)) throw new Error('rarD: all probabilities are zero (residuals all zero and c = 0)');
  return p.map((v) => v / total);
}

/**
 * RAR-D (Wu et al. 2023): draw `count` distinct candidates with the probabilities above,
 * without replacement (Efraimidis-Spirakis keys u^(1/p)), seeded.
 */
export function rarDSelect(candidates: Points, residualAbs: Float64Array, count: number, options: RarDOptions = {}): RarSelection {
  const n = checkResiduals(candidates, residualAbs, count, 'rarDSelect');
  const p = rarDProbabilities(residualAbs, options.power ?? 1, options.c ?? 1);
  const rand = mulberry32(options.seed ?? 0);
  // log(u)/p is monotone in u^(1/p) and avoids underflow for small p.
  const keys = Float64Array.from({ length: n }, (_, i) => (p[i] > 0 ? Math.log(rand() || Number.MIN_VALUE) / p[i] : -Infinity));
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b] - keys[a]);
  return gather(candidates, order.slice(0, count));
}
