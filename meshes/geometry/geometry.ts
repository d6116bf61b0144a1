// The Geometry contract shared by primitives, CSG combinations and space-time products.
import type { BBox, Points } from '../points.js';
import type { SamplerKind } from '../sampling/samplers.js';

export interface BoundarySample {
  readonly points: Points;
  /** Outward unit normals, same layout as points. */
  readonly normals: Points;
}

export interface Geometry {
  readonly dim: number;
  readonly bbox: BBox;
  /**
   * 1 where the point is inside or on the boundary (closed set), else 0. Polygons and CSG
   * combinations also accept points up to DEFAULT_TOL outside, so that sampled boundary points
   * count as inside despite rounding.
   */
  inside(points: Points): Uint8Array;
  /** 1 where the point lies within `tol` of the boundary. */
  onBoundary(points: Points, tol?: number): Uint8Array;
  /** Outward unit normal of the nearest boundary piece (callers pass boundary points). */
  boundaryNormal(points: Points): Points;
  /**
   * Signed distance, negative inside. Exact for primitives; for CSG the min/max combination
   * is exact outside unions and inside intersections but in general only a bound
   * (|sdf| <= true distance), which is what sphere tracing and BC weighting need.
   */
  sdf(points: Points): Float64Array;
  /** Boundary measure (length, area, ...; count of points for 1D), used to mix CSG samples. */
  boundaryMeasure(): number;
  sampleInterior(n: number, sampler?: SamplerKind, seed?: number): Points;
  sampleBoundary(n: number, sampler?: SamplerKind, seed?: number): BoundarySample;
}

export const DEFAULT_TOL = 1e-8;

/** onBoundary from a signed distance: 1 where |d| <= tol. */
export function sdfNearZero(d: Float64Array, tol: number): Uint8Array {
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Math.abs(d[i]) <= tol ? 1 : 0;
  return out;
}
