// Constructive solid geometry: union, difference and intersection of any two geometries.
import { type BBox, type Points, checkCount, checkDim } from '../points.js';
import { hashSeed, mulberry32, permutation } from '../../core/random.js';
import type { SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL, sdfNearZero } from './geometry.js';
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

export class Csg implements Geometry {
  readonly dim: number;
  readonly bbox: BBox;
  private measure: number | undefined;

  constructor(
    readonly op: CsgOp,
    readonly a: Geometry,
    readonly b: Geometry,
  ) {
    if (a.dim !== b.dim) throw new Error(`${op}: operands must have the same dimension, got ${a.dim} and ${b.dim}`);
    this.dim = a.dim;
    this.bbox = combineBox(op, a.bbox, b.bbox);
  }

  /**
   * Membership is read off the combined signed distance: its sign is exact for min/max
   * combinations even where its magnitude is only a bound, and it costs one pass per leaf
   * (testing children's inside/onBoundary separately grows exponentially with nesting depth).
   */
  inside(points: Points): Uint8Array {
    const d = this.sdf(points);
    const out = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = d[i] <= DEFAULT_TOL ? 1 : 0;
    return out;
  }

  onBoundary(points: Points, tol = DEFAULT_TOL): Uint8Array {
    return sdfNearZero(this.sdf(points), tol);
  }

  /** Which of A's boundary points survive on this boundary: outside B's interior (inside B for intersection). */
  private keepFromA(p: Points, tol: number): Uint8Array {
    const db = this.b.sdf(p);
    const out = new Uint8Array(db.length);
    const inter = this.op === 'intersection';
    for (let i = 0; i < db.length; i++) out[i] = (inter ? db[i] <= tol : db[i] >= -tol) ? 1 : 0;
    return out;
  }

  /** Which of B's boundary points survive: outside A's interior for union, inside A otherwise. */
  private keepFromB(p: Points, tol: number): Uint8Array {
    const da = this.a.sdf(p);
    const out = new Uint8Array(da.length);
    const uni = this.op === 'union';
    for (let i = 0; i < da.length; i++) out[i] = (uni ? da[i] >= -tol : da[i] <= tol) ? 1 : 0;
    return out;
  }

  sdf(points: Points): Float64Array {
    checkDim(points, this.dim);
    const da = this.a.sdf(points);
    const db = this.b.sdf(points);
    const op = this.op;
    for (let i = 0; i < da.length; i++) {
      da[i] = op === 'union' ? Math.min(da[i], db[i]) : op === 'intersection' ? Math.max(da[i], db[i]) : Math.max(da[i], -db[i]);
    }
    return da;
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
      this.measure =
        this.a.boundaryMeasure() * frac(this.keepFromA(fa, DEFAULT_TOL)) + this.b.boundaryMeasure() * frac(this.keepFromB(fb, DEFAULT_TOL));
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
    // Expected acceptance from the (cached) measure, so nested CSG does not compound overshoot.
    let rate = Math.min(1, Math.max(this.boundaryMeasure() / (ma + mb), 0.01));
    let cap = Math.ceil(n * 1.5) + 64;
    let pts = new Float64Array(cap * d);
    let nrm = new Float64Array(cap * d);
    let total = 0;
    for (let round = 0; total < n; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`${this.op}.sampleBoundary: kept only ${total}/${n} points; is the boundary empty?`);
      const batch = Math.ceil(((n - total) / rate) * 1.1) + 16;
      const na = Math.round(batch * wa);
      let kept = 0;
      for (const fromA of [true, false]) {
        const m = fromA ? na : batch - na;
        if (m === 0) continue;
        const g = fromA ? this.a : this.b;
        const s = g.sampleBoundary(m, sampler, hashSeed(seed * 1000003 + round * 2 + (fromA ? 0 : 1)));
        const mask = fromA ? this.keepFromA(s.points, DEFAULT_TOL) : this.keepFromB(s.points, DEFAULT_TOL);
        const sign = !fromA && this.op === 'difference' ? -1 : 1;
        let accepted = 0;
        for (let i = 0; i < m; i++) accepted += mask[i];
        if (total + accepted > cap) {
          cap = Math.max(2 * cap, total + accepted);
          const p2 = new Float64Array(cap * d);
          const n2 = new Float64Array(cap * d);
          p2.set(pts);
          n2.set(nrm);
          pts = p2;
          nrm = n2;
        }
        const sp = s.points.data;
        const sn = s.normals.data;
        for (let i = 0; i < m; i++) {
          if (!mask[i]) continue;
          for (let k = 0; k < d; k++) {
            pts[total * d + k] = sp[i * d + k];
            nrm[total * d + k] = sign * sn[i * d + k];
          }
          total++;
        }
        kept += accepted;
      }
      rate = Math.max(kept / batch, 0.01);
    }
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
