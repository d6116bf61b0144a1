// Constructive solid geometry: union, difference and intersection of any two geometries.
import { type BBox, type Points, checkCount, checkDim } from '../points.js';
import { hashSeed, mulberry32, permutation } from '../rng.js';
import type { SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL } from './geometry.js';
import { sampleByRejection } from './rejection.js';

export type CsgOp = 'union' | 'difference' | 'intersection';

const MEASURE_SAMPLES = 4096;
const MAX_ROUNDS = 1000;

function combineBox(op: CsgOp, a: BBox, b: BBox): BBox {
  if (op === 'difference') return a;
  const pick = op === 'union' ? [Math.min, Math.max] : [Math.max, Math.min];
  const min = a.min.map((v, k) => pick[0](v, b.min[k]));
  const max = a.max.map((v, k) => pick[1](v, b.max[k]));
  for (let k = 0; k < min.length; k++) {
    if (!(max[k] >= min[k])) throw new Error(`intersection: operands do not overlap (bounding boxes are disjoint along axis ${k})`);
  }
  return { min, max };
}

/** Strict interior: inside and not within tol of the boundary. */
function interior(g: Geometry, p: Points, tol: number): Uint8Array {
  const ins = g.inside(p);
  const bd = g.onBoundary(p, tol);
  for (let i = 0; i < ins.length; i++) ins[i] = ins[i] && !bd[i] ? 1 : 0;
  return ins;
}

export class Csg implements Geometry {
  readonly dim: number;
  readonly bbox: BBox;
  private measure: number | undefined;

  constructor(readonly op: CsgOp, readonly a: Geometry, readonly b: Geometry) {
    if (a.dim !== b.dim) throw new Error(`${op}: operands must have the same dimension, got ${a.dim} and ${b.dim}`);
    this.dim = a.dim;
    this.bbox = combineBox(op, a.bbox, b.bbox);
  }

  inside(points: Points): Uint8Array {
    checkDim(points, this.dim);
    const ia = this.a.inside(points);
    if (this.op === 'difference') {
      const ib = interior(this.b, points, DEFAULT_TOL);
      return ia.map((v, i) => (v && !ib[i] ? 1 : 0));
    }
    const ib = this.b.inside(points);
    return this.op === 'union' ? ia.map((v, i) => v | ib[i]) : ia.map((v, i) => v & ib[i]);
  }

  /** Which of A's boundary points survive on this boundary (mask per point). */
  private keepFromA(p: Points, tol: number): Uint8Array {
    if (this.op === 'intersection') return this.b.inside(p);
    const ib = interior(this.b, p, tol);
    return ib.map((v) => (v ? 0 : 1));
  }

  /** Which of B's boundary points survive on this boundary. */
  private keepFromB(p: Points, tol: number): Uint8Array {
    if (this.op === 'union') return interior(this.a, p, tol).map((v) => (v ? 0 : 1));
    return this.a.inside(p);
  }

  onBoundary(points: Points, tol = DEFAULT_TOL): Uint8Array {
    checkDim(points, this.dim);
    const ba = this.a.onBoundary(points, tol);
    const bb = this.b.onBoundary(points, tol);
    const ka = this.keepFromA(points, tol);
    const kb = this.keepFromB(points, tol);
    return ba.map((v, i) => ((v && ka[i]) || (bb[i] && kb[i]) ? 1 : 0));
  }

  sdf(points: Points): Float64Array {
    const da = this.a.sdf(points);
    const db = this.b.sdf(points);
    if (this.op === 'union') return da.map((v, i) => Math.min(v, db[i]));
    if (this.op === 'intersection') return da.map((v, i) => Math.max(v, db[i]));
    return da.map((v, i) => Math.max(v, -db[i]));
  }

  boundaryNormal(points: Points): Points {
    const da = this.a.sdf(points);
    const db = this.b.sdf(points);
    const na = this.a.boundaryNormal(points);
    const nb = this.b.boundaryNormal(points);
    const sign = this.op === 'difference' ? -1 : 1;
    const out = new Float64Array(points.data.length);
    const d = this.dim;
    for (let i = 0; i < da.length; i++) {
      // The nearer operand boundary owns the point; holes cut by difference face inward.
      const useA = Math.abs(da[i]) <= Math.abs(db[i]);
      for (let k = 0; k < d; k++) out[i * d + k] = useA ? na.data[i * d + k] : sign * nb.data[i * d + k];
    }
    return { data: out, dim: d };
  }

  /** Monte Carlo estimate (fixed seed, so deterministic): |dA| * kept fraction + |dB| * kept fraction. */
  boundaryMeasure(): number {
    if (this.measure === undefined) {
      const fa = this.a.sampleBoundary(MEASURE_SAMPLES, 'halton', 1).points;
      const fb = this.b.sampleBoundary(MEASURE_SAMPLES, 'halton', 2).points;
      const frac = (m: Uint8Array) => m.reduce((s, v) => s + v, 0) / m.length;
      this.measure = this.a.boundaryMeasure() * frac(this.keepFromA(fa, DEFAULT_TOL)) + this.b.boundaryMeasure() * frac(this.keepFromB(fb, DEFAULT_TOL));
    }
    return this.measure;
  }

  sampleInterior(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    return sampleByRejection(n, this.bbox, (p) => this.inside(p), sampler, seed, `${this.op}.sampleInterior`);
  }

  /**
   * Draws from dA and dB in proportion to their measures (uniform on dA u dB), keeps the points
   * that lie on the combined boundary, then shuffles and truncates: the result is uniform on it.
   */
  sampleBoundary(n: number, sampler: SamplerKind = 'uniform', seed = 0): BoundarySample {
    checkCount(n);
    const d = this.dim;
    const ma = this.a.boundaryMeasure();
    const mb = this.b.boundaryMeasure();
    const wa = ma / (ma + mb);
    const pts: number[] = [];
    const nrm: number[] = [];
    let rate = 0.5;
    for (let round = 0; pts.length < n * d; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`${this.op}.sampleBoundary: kept only ${pts.length / d}/${n} points; is the boundary empty?`);
      const need = n - pts.length / d;
      const batch = Math.max(64, Math.ceil((need / rate) * 1.2));
      const na = Math.round(batch * wa);
      let kept = 0;
      const parts: [Geometry, number, (p: Points) => Uint8Array, number][] = [
        [this.a, na, (p) => this.keepFromA(p, DEFAULT_TOL), 1],
        [this.b, batch - na, (p) => this.keepFromB(p, DEFAULT_TOL), this.op === 'difference' ? -1 : 1],
      ];
      for (const [g, m, keep, sign] of parts) {
        if (m === 0) continue;
        const s = g.sampleBoundary(m, sampler, hashSeed(seed * 1000003 + round * 2 + (g === this.a ? 0 : 1)));
        const mask = keep(s.points);
        for (let i = 0; i < m; i++) {
          if (!mask[i]) continue;
          kept++;
          for (let k = 0; k < d; k++) {
            pts.push(s.points.data[i * d + k]);
            nrm.push(sign * s.normals.data[i * d + k]);
          }
        }
      }
      rate = Math.max(kept / batch, 0.01);
    }
    const total = pts.length / d;
    const perm = permutation(total, mulberry32(seed ^ 0x5bd1e995));
    const outP = new Float64Array(n * d);
    const outN = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        outP[i * d + k] = pts[perm[i] * d + k];
        outN[i * d + k] = nrm[perm[i] * d + k];
      }
    }
    return { points: { data: outP, dim: d }, normals: { data: outN, dim: d } };
  }
}

export const union = (a: Geometry, b: Geometry): Csg => new Csg('union', a, b);
export const difference = (a: Geometry, b: Geometry): Csg => new Csg('difference', a, b);
export const intersection = (a: Geometry, b: Geometry): Csg => new Csg('intersection', a, b);

/** Folds many operands: unionAll([a, b, c]) = (a u b) u c. */
export function unionAll(parts: readonly Geometry[]): Geometry {
  if (parts.length === 0) throw new Error('unionAll: expected at least one geometry');
  return parts.slice(1).reduce<Geometry>((acc, g) => union(acc, g), parts[0]);
}

