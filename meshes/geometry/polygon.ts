// Simple polygons (any number of vertices, convex or not) in 2D.
import { type BBox, type Points, checkCount, checkDim, pointCount } from '../points.js';
import { createSampler, type SamplerKind } from '../sampling/samplers.js';
import { type BoundarySample, type Geometry, DEFAULT_TOL } from './geometry.js';
import { sampleByRejection } from './rejection.js';

function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => (qx - px) * (ry - py) - (qy - py) * (rx - px);
  const d1 = o(cx, cy, dx, dy, ax, ay);
  const d2 = o(cx, cy, dx, dy, bx, by);
  const d3 = o(ax, ay, bx, by, cx, cy);
  const d4 = o(ax, ay, bx, by, dx, dy);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

export class Polygon implements Geometry {
  readonly dim = 2;
  readonly bbox: BBox;
  /** Vertices in counter-clockwise order, flat [x0, y0, x1, y1, ...]. */
  readonly vertices: Float64Array;
  private readonly cumLength: Float64Array;

  constructor(vertices: ArrayLike<readonly [number, number]> | ArrayLike<number>) {
    const flat = Array.from(vertices as ArrayLike<unknown>).flatMap((v) => (Array.isArray(v) ? v : [v])) as number[];
    if (flat.length % 2 !== 0 || flat.length < 6 || flat.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new Error(`polygon vertices: expected at least 3 finite (x, y) pairs, got ${flat.length} numbers`);
    }
    const m = flat.length / 2;
    let area2 = 0;
    for (let i = 0; i < m; i++) {
      const j = (i + 1) % m;
      area2 += flat[2 * i] * flat[2 * j + 1] - flat[2 * j] * flat[2 * i + 1];
    }
    if (Math.abs(area2) < 1e-300) throw new Error('polygon vertices: polygon has zero area');
    const v = new Float64Array(m * 2);
    for (let i = 0; i < m; i++) {
      const src = area2 > 0 ? i : m - 1 - i;
      v[2 * i] = flat[2 * src];
      v[2 * i + 1] = flat[2 * src + 1];
    }
    for (let i = 0; i < m; i++) {
      for (let j = i + 2; j < m; j++) {
        if (i === 0 && j === m - 1) continue;
        const a = i,
          b = (i + 1) % m,
          c = j,
          d = (j + 1) % m;
        if (segmentsCross(v[2 * a], v[2 * a + 1], v[2 * b], v[2 * b + 1], v[2 * c], v[2 * c + 1], v[2 * d], v[2 * d + 1])) {
          throw new Error(`polygon vertices: edges ${i} and ${j} intersect; expected a simple polygon`);
        }
      }
    }
    this.vertices = v;
    this.cumLength = new Float64Array(m + 1);
    const min = new Float64Array([Infinity, Infinity]);
    const max = new Float64Array([-Infinity, -Infinity]);
    for (let i = 0; i < m; i++) {
      const j = (i + 1) % m;
      this.cumLength[i + 1] = this.cumLength[i] + Math.hypot(v[2 * j] - v[2 * i], v[2 * j + 1] - v[2 * i + 1]);
      for (let k = 0; k < 2; k++) {
        min[k] = Math.min(min[k], v[2 * i + k]);
        max[k] = Math.max(max[k], v[2 * i + k]);
      }
    }
    this.bbox = { min, max };
  }

  get vertexCount(): number {
    return this.vertices.length / 2;
  }

  /** Distance to the nearest edge and that edge's index. */
  private nearestEdge(x: number, y: number): { dist: number; edge: number } {
    const v = this.vertices;
    const m = this.vertexCount;
    let best = Infinity;
    let edge = 0;
    for (let i = 0; i < m; i++) {
      const j = (i + 1) % m;
      const ex = v[2 * j] - v[2 * i],
        ey = v[2 * j + 1] - v[2 * i + 1];
      const t = Math.min(1, Math.max(0, ((x - v[2 * i]) * ex + (y - v[2 * i + 1]) * ey) / (ex * ex + ey * ey)));
      const d = Math.hypot(x - v[2 * i] - t * ex, y - v[2 * i + 1] - t * ey);
      if (d < best) {
        best = d;
        edge = i;
      }
    }
    return { dist: best, edge };
  }

  /** Even-odd crossing test (strict interior for points off the boundary). */
  private crossingInside(x: number, y: number): boolean {
    const v = this.vertices;
    const m = this.vertexCount;
    let inside = false;
    for (let i = 0, j = m - 1; i < m; j = i++) {
      const xi = v[2 * i],
        yi = v[2 * i + 1],
        xj = v[2 * j],
        yj = v[2 * j + 1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  inside(points: Points): Uint8Array {
    checkDim(points, 2);
    const n = pointCount(points);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = points.data[2 * i],
        y = points.data[2 * i + 1];
      out[i] = this.crossingInside(x, y) || this.nearestEdge(x, y).dist <= DEFAULT_TOL ? 1 : 0;
    }
    return out;
  }

  onBoundary(points: Points, tol = DEFAULT_TOL): Uint8Array {
    checkDim(points, 2);
    const n = pointCount(points);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nearestEdge(points.data[2 * i], points.data[2 * i + 1]).dist <= tol ? 1 : 0;
    return out;
  }

  sdf(points: Points): Float64Array {
    checkDim(points, 2);
    const n = pointCount(points);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = points.data[2 * i],
        y = points.data[2 * i + 1];
      const d = this.nearestEdge(x, y).dist;
      out[i] = this.crossingInside(x, y) ? -d : d;
    }
    return out;
  }

  private edgeNormal(e: number, out: Float64Array, at: number): void {
    const v = this.vertices;
    const j = (e + 1) % this.vertexCount;
    const ex = v[2 * j] - v[2 * e],
      ey = v[2 * j + 1] - v[2 * e + 1];
    const len = Math.hypot(ex, ey);
    // Counter-clockwise orientation puts the outside on the right of each edge.
    out[at] = ey / len;
    out[at + 1] = -ex / len;
  }

  boundaryNormal(points: Points): Points {
    checkDim(points, 2);
    const n = pointCount(points);
    const out = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) this.edgeNormal(this.nearestEdge(points.data[2 * i], points.data[2 * i + 1]).edge, out, 2 * i);
    return { data: out, dim: 2 };
  }

  boundaryMeasure(): number {
    return this.cumLength[this.vertexCount];
  }

  sampleInterior(n: number, sampler: SamplerKind = 'uniform', seed = 0): Points {
    return sampleByRejection(n, this.bbox, (p) => this.inside(p), sampler, seed, 'polygon.sampleInterior');
  }

  sampleBoundary(n: number, sampler: SamplerKind = 'uniform', seed = 0): BoundarySample {
    checkCount(n);
    const u = createSampler(sampler, 1, seed).next(n);
    const perim = this.boundaryMeasure();
    const v = this.vertices;
    const m = this.vertexCount;
    const pts = new Float64Array(n * 2);
    const nrm = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const s = u[i] * perim;
      let lo = 0,
        hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.cumLength[mid] <= s) lo = mid;
        else hi = mid - 1;
      }
      const j = (lo + 1) % m;
      const t = (s - this.cumLength[lo]) / (this.cumLength[lo + 1] - this.cumLength[lo]);
      pts[2 * i] = v[2 * lo] + t * (v[2 * j] - v[2 * lo]);
      pts[2 * i + 1] = v[2 * lo + 1] + t * (v[2 * j + 1] - v[2 * lo + 1]);
      this.edgeNormal(lo, nrm, 2 * i);
    }
    return { points: { data: pts, dim: 2 }, normals: { data: nrm, dim: 2 } };
  }
}

export const polygon = (vertices: ArrayLike<readonly [number, number]> | ArrayLike<number>): Polygon => new Polygon(vertices);
