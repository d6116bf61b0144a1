// Axis-aligned boxes in any dimension: interval (1D), rectangle (2D), box (3D), hypercube (dD).
import { type BBox, type Points, checkCount, checkDim, pointCount, scaleToBox } from '../points.js';
import { createSampler, type SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL, sdfNearZero } from './geometry.js';

function toArray(v: ArrayLike<number>, what: string): Float64Array {
  const a = Float64Array.from(v);
  if (a.some((x) => !Number.isFinite(x))) throw new Error(`${what}: expected finite numbers, got [${Array.from(v).join(', ')}]`);
  return a;
}

export class Hypercube implements Geometry {
  readonly dim: number;
  readonly bbox: BBox;
  /** Measure of each face pair (face k has area prod_{j != k} extent_j). */
  private readonly faceArea: Float64Array;

  constructor(min: ArrayLike<number>, max: ArrayLike<number>) {
    const lo = toArray(min, 'hypercube min');
    const hi = toArray(max, 'hypercube max');
    if (lo.length === 0 || lo.length !== hi.length) {
      throw new Error(`hypercube: min and max must have the same nonzero length, got ${lo.length} and ${hi.length}`);
    }
    for (let k = 0; k < lo.length; k++) {
      if (!(hi[k] > lo[k])) throw new Error(`hypercube: max[${k}]=${hi[k]} must exceed min[${k}]=${lo[k]}`);
    }
    this.dim = lo.length;
    this.bbox = { min: lo, max: hi };
    this.faceArea = new Float64Array(this.dim);
    for (let k = 0; k < this.dim; k++) {
      let a = 1;
      for (let j = 0; j < this.dim; j++) if (j !== k) a *= hi[j] - lo[j];
      this.faceArea[k] = a;
    }
  }

  inside(points: Points): Uint8Array {
    checkDim(points, this.dim);
    const n = pointCount(points);
    const out = new Uint8Array(n);
    const { min, max } = this.bbox;
    for (let i = 0; i < n; i++) {
      let ok = 1;
      for (let k = 0; k < this.dim && ok; k++) {
        const x = points.data[i * this.dim + k];
        if (x < min[k] || x > max[k]) ok = 0;
      }
      out[i] = ok;
    }
    return out;
  }

  sdf(points: Points): Float64Array {
    checkDim(points, this.dim);
    const n = pointCount(points);
    const out = new Float64Array(n);
    const { min, max } = this.bbox;
    for (let i = 0; i < n; i++) {
      let outside = 0;
      let maxQ = -Infinity;
      for (let k = 0; k < this.dim; k++) {
        const c = (min[k] + max[k]) / 2;
        const q = Math.abs(points.data[i * this.dim + k] - c) - (max[k] - min[k]) / 2;
        if (q > 0) outside += q * q;
        if (q > maxQ) maxQ = q;
      }
      out[i] = Math.sqrt(outside) + Math.min(maxQ, 0);
    }
    return out;
  }

  onBoundary(points: Points, tol = DEFAULT_TOL): Uint8Array {
    return sdfNearZero(this.sdf(points), tol);
  }

  boundaryNormal(points: Points): Points {
    checkDim(points, this.dim);
    const n = pointCount(points);
    const out = new Float64Array(n * this.dim);
    const { min, max } = this.bbox;
    for (let i = 0; i < n; i++) {
      const row = points.data.subarray(i * this.dim, (i + 1) * this.dim);
      // Nearest face distance first; faces within tol of it all contribute (corners average).
      let best = Infinity;
      for (let k = 0; k < this.dim; k++) best = Math.min(best, Math.abs(row[k] - min[k]), Math.abs(row[k] - max[k]));
      const tol = best + DEFAULT_TOL;
      let norm = 0;
      for (let k = 0; k < this.dim; k++) {
        let v = 0;
        if (Math.abs(row[k] - min[k]) <= tol) v -= 1;
        if (Math.abs(row[k] - max[k]) <= tol) v += 1;
        out[i * this.dim + k] = v;
        norm += v * v;
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < this.dim; k++) out[i * this.dim + k] /= norm;
    }
    return { data: out, dim: this.dim };
  }

  boundaryMeasure(): number {
    let s = 0;
    for (const a of this.faceArea) s += 2 * a;
    return s;
  }

  sampleInterior(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    checkCount(n);
    return { data: scaleToBox(createSampler(sampler, this.dim, seed).next(n), this.bbox), dim: this.dim };
  }

  sampleBoundary(n: number, sampler: SamplerKind = 'uniform', seed = 0): BoundarySample {
    checkCount(n);
    const d = this.dim;
    const u = createSampler(sampler, d, seed).next(n);
    const total = this.boundaryMeasure();
    const pts = new Float64Array(n * d);
    const nrm = new Float64Array(n * d);
    const { min, max } = this.bbox;
    for (let i = 0; i < n; i++) {
      // Coordinate 0 picks the face (weighted by area); the other d-1 place the point on it.
      let t = u[i * d] * total;
      let face = 0;
      while (face < 2 * d - 1 && t >= this.faceArea[face >> 1]) {
        t -= this.faceArea[face >> 1];
        face++;
      }
      const axis = face >> 1;
      const upper = face & 1;
      let c = 1;
      for (let k = 0; k < d; k++) {
        if (k === axis) continue;
        pts[i * d + k] = min[k] + (max[k] - min[k]) * u[i * d + c++];
      }
      pts[i * d + axis] = upper ? max[axis] : min[axis];
      nrm[i * d + axis] = upper ? 1 : -1;
    }
    return { points: { data: pts, dim: d }, normals: { data: nrm, dim: d } };
  }
}

export const hypercube = (min: ArrayLike<number>, max: ArrayLike<number>): Hypercube => new Hypercube(min, max);
export const interval = (a: number, b: number): Hypercube => new Hypercube([a], [b]);
export function rectangle(min: readonly [number, number], max: readonly [number, number]): Hypercube {
  return new Hypercube(min, max);
}
export function box(min: readonly [number, number, number], max: readonly [number, number, number]): Hypercube {
  return new Hypercube(min, max);
}
