// Balls in any dimension: disk (2D), sphere (3D), hypersphere (dD).
import { type BBox, type Points, checkCount, checkDim, pointCount } from '../points.js';
import { normalQuantile } from '../../core/random.js';
import { createSampler, type SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL } from './geometry.js';

/** Gamma(k/2) for positive integer k, exactly by recursion. */
function gammaHalf(k: number): number {
  let g = k % 2 === 0 ? 1 : Math.sqrt(Math.PI);
  for (let m = k % 2 === 0 ? 2 : 1; m < k; m += 2) g *= m / 2;
  return g;
}

export class Hypersphere implements Geometry {
  readonly dim: number;
  readonly bbox: BBox;
  readonly center: Float64Array;

  constructor(
    center: ArrayLike<number>,
    readonly radius: number,
  ) {
    this.center = Float64Array.from(center);
    if (this.center.length === 0 || this.center.some((x) => !Number.isFinite(x))) {
      throw new Error(`hypersphere center: expected a nonempty list of finite numbers, got [${Array.from(center).join(', ')}]`);
    }
    if (!(radius > 0) || !Number.isFinite(radius)) throw new Error(`hypersphere radius: expected a positive number, got ${radius}`);
    this.dim = this.center.length;
    this.bbox = { min: this.center.map((c) => c - radius), max: this.center.map((c) => c + radius) };
  }

  private distances(points: Points): Float64Array {
    checkDim(points, this.dim);
    const n = pointCount(points);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < this.dim; k++) {
        const v = points.data[i * this.dim + k] - this.center[k];
        s += v * v;
      }
      out[i] = Math.sqrt(s);
    }
    return out;
  }

  inside(points: Points): Uint8Array {
    const r = this.distances(points);
    const out = new Uint8Array(r.length);
    for (let i = 0; i < r.length; i++) out[i] = r[i] <= this.radius ? 1 : 0;
    return out;
  }

  onBoundary(points: Points, tol = DEFAULT_TOL): Uint8Array {
    const r = this.distances(points);
    const out = new Uint8Array(r.length);
    for (let i = 0; i < r.length; i++) out[i] = Math.abs(r[i] - this.radius) <= tol ? 1 : 0;
    return out;
  }

  sdf(points: Points): Float64Array {
    const r = this.distances(points);
    for (let i = 0; i < r.length; i++) r[i] -= this.radius;
    return r;
  }

  boundaryNormal(points: Points): Points {
    const r = this.distances(points);
    const out = new Float64Array(points.data.length);
    for (let i = 0; i < r.length; i++) {
      for (let k = 0; k < this.dim; k++) {
        // The center has no normal; pick +e0 rather than emitting NaN.
        out[i * this.dim + k] = r[i] > 0 ? (points.data[i * this.dim + k] - this.center[k]) / r[i] : k === 0 ? 1 : 0;
      }
    }
    return { data: out, dim: this.dim };
  }

  boundaryMeasure(): number {
    return (2 * Math.PI ** (this.dim / 2) * this.radius ** (this.dim - 1)) / gammaHalf(this.dim);
  }

  /** Unit directions from unit-cube samples: angle in 2D, Gaussian quantiles normalized in dD. */
  private directions(u: Float64Array, stride: number, n: number): Float64Array {
    const d = this.dim;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      if (d === 1) {
        out[i] = u[i * stride] < 0.5 ? -1 : 1;
      } else if (d === 2) {
        const th = 2 * Math.PI * u[i * stride];
        out[i * 2] = Math.cos(th);
        out[i * 2 + 1] = Math.sin(th);
      } else {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const g = normalQuantile(u[i * stride + k]);
          out[i * d + k] = g;
          s += g * g;
        }
        s = Math.sqrt(s) || 1;
        for (let k = 0; k < d; k++) out[i * d + k] /= s;
      }
    }
    return out;
  }

  private directionDims(): number {
    return this.dim <= 2 ? 1 : this.dim;
  }

  sampleInterior(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    checkCount(n);
    const dd = this.directionDims();
    const stride = dd + 1;
    const u = createSampler(sampler, stride, seed).next(n);
    const dirs = this.directions(u, stride, n);
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++) {
      // Radius quantile r = R u^(1/d) makes the density uniform in volume.
      const r = this.radius * u[i * stride + dd] ** (1 / this.dim);
      for (let k = 0; k < this.dim; k++) out[i * this.dim + k] = this.center[k] + r * dirs[i * this.dim + k];
    }
    return { data: out, dim: this.dim };
  }

  sampleBoundary(n: number, sampler: SamplerKind = 'uniform', seed = 0): BoundarySample {
    checkCount(n);
    const dd = this.directionDims();
    const dirs = this.directions(createSampler(sampler, dd, seed).next(n), dd, n);
    const pts = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < this.dim; k++) pts[i * this.dim + k] = this.center[k] + this.radius * dirs[i * this.dim + k];
    }
    return { points: { data: pts, dim: this.dim }, normals: { data: dirs, dim: this.dim } };
  }
}

export const hypersphere = (center: ArrayLike<number>, radius: number): Hypersphere => new Hypersphere(center, radius);
export function disk(center: readonly [number, number], radius: number): Hypersphere {
  return new Hypersphere(center, radius);
}
export function sphere(center: readonly [number, number, number], radius: number): Hypersphere {
  return new Hypersphere(center, radius);
}
