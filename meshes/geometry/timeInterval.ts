// The domain of an ODE: time alone, [t0, t1], one coordinate. It has an initial point t0 (where initial
// conditions live) but no spatial boundary, so boundary sampling is an error rather than the two ends.
import { type BBox, type Points, checkCount, checkDim, pointCount } from '../points.js';
import type { SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL } from './geometry.js';
import { Hypercube } from './hypercube.js';
import { TimeDomainProduct } from './timeDomain.js';

export class TimeInterval implements Geometry {
  readonly dim = 1;
  readonly bbox: BBox;
  private readonly box: Hypercube;

  constructor(
    readonly t0: number,
    readonly t1: number,
  ) {
    if (!(t1 > t0) || !Number.isFinite(t0) || !Number.isFinite(t1))
      throw new Error(`timeInterval: expected finite t0 < t1, got [${t0}, ${t1}]`);
    this.box = new Hypercube([t0], [t1]);
    this.bbox = this.box.bbox;
  }

  inside(points: Points): Uint8Array {
    return this.box.inside(points);
  }

  /** No spatial boundary: nothing is on it. */
  onBoundary(points: Points): Uint8Array {
    checkDim(points, 1);
    return new Uint8Array(pointCount(points));
  }

  onInitial(points: Points, tol = DEFAULT_TOL): Uint8Array {
    checkDim(points, 1);
    return Uint8Array.from(points.data, (t) => (Math.abs(t - this.t0) <= tol ? 1 : 0));
  }

  boundaryNormal(): Points {
    throw new Error('timeInterval: an ODE domain has no spatial boundary (use an initial condition)');
  }

  sdf(points: Points): Float64Array {
    return this.box.sdf(points);
  }

  boundaryMeasure(): number {
    return 0;
  }

  sampleInterior(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    return this.box.sampleInterior(n, sampler, seed);
  }

  sampleBoundary(): BoundarySample {
    throw new Error('timeInterval: an ODE domain has no spatial boundary (use an initial condition)');
  }

  sampleInitial(n: number): Points {
    checkCount(n);
    return { data: new Float64Array(n).fill(this.t0), dim: 1 };
  }
}

export const timeInterval = (t0: number, t1: number): TimeInterval => new TimeInterval(t0, t1);

/** A domain with an initial slice t = t0 (time last): space-time products and ODE time intervals. */
export type TimeGeometry = TimeDomainProduct | TimeInterval;
export const isTimeGeometry = (g: Geometry): g is TimeGeometry => g instanceof TimeDomainProduct || g instanceof TimeInterval;
