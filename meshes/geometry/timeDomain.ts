// Space-time product geometry x [t0, t1]: the last coordinate is time.
import { type BBox, type Points, checkCount, checkDim, pointCount } from '../points.js';
import { hashSeed, mulberry32, permutation } from '../../core/random.js';
import type { SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL } from './geometry.js';
import { Hypercube } from './hypercube.js';

function spatial(p: Points, d: number): Points {
  const n = pointCount(p);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) out.set(p.data.subarray(i * (d + 1), i * (d + 1) + d), i * d);
  return { data: out, dim: d };
}

function withTime(x: Points, t: Float64Array): Points {
  const d = x.dim;
  const n = pointCount(x);
  const out = new Float64Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    out.set(x.data.subarray(i * d, (i + 1) * d), i * (d + 1));
    out[i * (d + 1) + d] = t[i];
  }
  return { data: out, dim: d + 1 };
}

/**
 * Conventions follow DeepXDE's GeometryXTime: `onBoundary`/`sampleBoundary` are the lateral
 * boundary dOmega x [t0, t1] (where boundary conditions live); the initial slice is separate
 * (`onInitial`, `sampleInitial`).
 */
export class TimeDomainProduct implements Geometry {
  readonly dim: number;
  readonly bbox: BBox;

  constructor(
    readonly space: Geometry,
    readonly t0: number,
    readonly t1: number,
  ) {
    if (!(t1 > t0) || !Number.isFinite(t0) || !Number.isFinite(t1))
      throw new Error(`timeDomain: expected finite t0 < t1, got [${t0}, ${t1}]`);
    this.dim = space.dim + 1;
    this.bbox = {
      min: Float64Array.from([...space.bbox.min, t0]),
      max: Float64Array.from([...space.bbox.max, t1]),
    };
  }

  private times(p: Points): Float64Array {
    checkDim(p, this.dim);
    const n = pointCount(p);
    return Float64Array.from({ length: n }, (_, i) => p.data[i * this.dim + this.dim - 1]);
  }

  inside(points: Points): Uint8Array {
    const t = this.times(points);
    return this.space.inside(spatial(points, this.space.dim)).map((v, i) => (v && t[i] >= this.t0 && t[i] <= this.t1 ? 1 : 0));
  }

  onBoundary(points: Points, tol = DEFAULT_TOL): Uint8Array {
    const t = this.times(points);
    return this.space
      .onBoundary(spatial(points, this.space.dim), tol)
      .map((v, i) => (v && t[i] >= this.t0 - tol && t[i] <= this.t1 + tol ? 1 : 0));
  }

  onInitial(points: Points, tol = DEFAULT_TOL): Uint8Array {
    const t = this.times(points);
    return this.space.inside(spatial(points, this.space.dim)).map((v, i) => (v && Math.abs(t[i] - this.t0) <= tol ? 1 : 0));
  }

  /** Spatial normal with a zero time component. */
  boundaryNormal(points: Points): Points {
    checkDim(points, this.dim);
    return withTime(this.space.boundaryNormal(spatial(points, this.space.dim)), new Float64Array(pointCount(points)));
  }

  /** max(sdf_space, t0 - t, t - t1): exact inside, a lower bound near the rim outside. */
  sdf(points: Points): Float64Array {
    const t = this.times(points);
    return this.space.sdf(spatial(points, this.space.dim)).map((v, i) => Math.max(v, this.t0 - t[i], t[i] - this.t1));
  }

  boundaryMeasure(): number {
    return this.space.boundaryMeasure() * (this.t1 - this.t0);
  }

  /** Stratified, randomly permuted times so they do not correlate with a spatial sequence. */
  private stratifiedTimes(n: number, seed: number): Float64Array {
    const rand = mulberry32(hashSeed(seed + 0x7f4a7c15));
    const perm = permutation(n, rand);
    return Float64Array.from({ length: n }, (_, i) => this.t0 + ((this.t1 - this.t0) * (perm[i] + rand())) / n);
  }

  sampleInterior(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    checkCount(n);
    if (this.space instanceof Hypercube) {
      // A box in space-time is a box: sample jointly to keep (d+1)-dim low discrepancy.
      return new Hypercube(this.bbox.min, this.bbox.max).sampleInterior(n, sampler, seed);
    }
    return withTime(this.space.sampleInterior(n, sampler, seed), this.stratifiedTimes(n, seed));
  }

  sampleBoundary(n: number, sampler: SamplerKind = 'uniform', seed = 0): BoundarySample {
    checkCount(n);
    const s = this.space.sampleBoundary(n, sampler, seed);
    return { points: withTime(s.points, this.stratifiedTimes(n, seed)), normals: withTime(s.normals, new Float64Array(n)) };
  }

  sampleInitial(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    checkCount(n);
    return withTime(this.space.sampleInterior(n, sampler, seed), new Float64Array(n).fill(this.t0));
  }
}

export const timeDomain = (space: Geometry, t0: number, t1: number): TimeDomainProduct => new TimeDomainProduct(space, t0, t1);
