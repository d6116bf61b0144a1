// 2D triangle meshes from point sets (Delaunay via delaunator), with P1 interpolation.
import Delaunator from 'delaunator';
import { type Points, checkDim, pointCount } from './points.js';
import type { Geometry } from './geometry/geometry.js';

export interface TriMesh {
  readonly points: Points;
  /** Counter-clockwise vertex triples. */
  readonly triangles: Uint32Array;
}

/**
 * Delaunay triangulation of a 2D point set. With `domain`, triangles whose centroid falls
 * outside it are dropped, so holes and concave boundaries are respected.
 */
export function triangulate(points: Points, domain?: Geometry): TriMesh {
  checkDim(points, 2, 'triangulate points');
  if (pointCount(points) < 3) throw new Error(`triangulate: expected at least 3 points, got ${pointCount(points)}`);
  const del = new Delaunator(points.data);
  if (del.triangles.length === 0) throw new Error('triangulate: points are collinear; no triangles');
  const t = del.triangles;
  // Delaunator orients triangles for y-down screens; flip to counter-clockwise in y-up math axes.
  const x = points.data;
  for (let e = 0; e < t.length; e += 3) {
    const a = t[e],
      b = t[e + 1],
      c = t[e + 2];
    if ((x[2 * b] - x[2 * a]) * (x[2 * c + 1] - x[2 * a + 1]) - (x[2 * c] - x[2 * a]) * (x[2 * b + 1] - x[2 * a + 1]) < 0) {
      t[e + 1] = c;
      t[e + 2] = b;
    }
  }
  if (!domain) return { points, triangles: t };
  const m = t.length / 3;
  const cent = new Float64Array(m * 2);
  for (let e = 0; e < m; e++) {
    for (let k = 0; k < 2; k++)
      cent[2 * e + k] = (points.data[2 * t[3 * e] + k] + points.data[2 * t[3 * e + 1] + k] + points.data[2 * t[3 * e + 2] + k]) / 3;
  }
  const keep = domain.inside({ data: cent, dim: 2 });
  const out: number[] = [];
  for (let e = 0; e < m; e++) if (keep[e]) out.push(t[3 * e], t[3 * e + 1], t[3 * e + 2]);
  return { points, triangles: Uint32Array.from(out) };
}

export function triangleAreas(mesh: TriMesh): Float64Array {
  const { triangles: t, points: p } = mesh;
  const x = p.data;
  return Float64Array.from({ length: t.length / 3 }, (_, e) => {
    const a = t[3 * e],
      b = t[3 * e + 1],
      c = t[3 * e + 2];
    return 0.5 * ((x[2 * b] - x[2 * a]) * (x[2 * c + 1] - x[2 * a + 1]) - (x[2 * c] - x[2 * a]) * (x[2 * b + 1] - x[2 * a + 1]));
  });
}

/** Edges used by exactly one triangle, as (from, to) pairs oriented counter-clockwise around the domain. */
export function boundaryEdges(mesh: TriMesh): Uint32Array {
  const n = pointCount(mesh.points);
  const count = new Map<number, number>();
  const t = mesh.triangles;
  const key = (a: number, b: number) => Math.min(a, b) * n + Math.max(a, b);
  for (let i = 0; i < t.length; i++) {
    const a = t[i],
      b = t[i - (i % 3) + ((i + 1) % 3)];
    const k = key(a, b);
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const a = t[i],
      b = t[i - (i % 3) + ((i + 1) % 3)];
    if (count.get(key(a, b)) === 1) out.push(a, b);
  }
  return Uint32Array.from(out);
}

/**
 * P1 (piecewise linear) interpolation. Point location uses a bucket grid over the mesh bbox
 * (about one triangle per bucket), which also works for meshes with holes where walking fails.
 */
export class P1Interpolator {
  private readonly cellStart: Uint32Array;
  private readonly cellTris: Uint32Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly hx: number;
  private readonly hy: number;

  constructor(readonly mesh: TriMesh) {
    checkDim(mesh.points, 2, 'P1Interpolator mesh points');
    const x = mesh.points.data;
    const t = mesh.triangles;
    const m = t.length / 3;
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (let i = 0; i < t.length; i++) {
      minX = Math.min(minX, x[2 * t[i]]);
      maxX = Math.max(maxX, x[2 * t[i]]);
      minY = Math.min(minY, x[2 * t[i] + 1]);
      maxY = Math.max(maxY, x[2 * t[i] + 1]);
    }
    const side = Math.max(1, Math.ceil(Math.sqrt(m)));
    this.nx = side;
    this.ny = side;
    this.x0 = minX;
    this.y0 = minY;
    this.hx = (maxX - minX) / side || 1;
    this.hy = (maxY - minY) / side || 1;
    const ranges = new Int32Array(m * 4);
    const counts = new Uint32Array(side * side + 1);
    for (let e = 0; e < m; e++) {
      let ax = Infinity,
        ay = Infinity,
        bx = -Infinity,
        by = -Infinity;
      for (let k = 0; k < 3; k++) {
        const v = t[3 * e + k];
        ax = Math.min(ax, x[2 * v]);
        bx = Math.max(bx, x[2 * v]);
        ay = Math.min(ay, x[2 * v + 1]);
        by = Math.max(by, x[2 * v + 1]);
      }
      const r = [this.cellX(ax), this.cellY(ay), this.cellX(bx), this.cellY(by)];
      ranges.set(r, 4 * e);
      for (let j = r[1]; j <= r[3]; j++) for (let i = r[0]; i <= r[2]; i++) counts[j * side + i + 1]++;
    }
    for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
    this.cellStart = counts.slice();
    this.cellTris = new Uint32Array(counts[counts.length - 1]);
    const fill = counts.slice();
    for (let e = 0; e < m; e++) {
      for (let j = ranges[4 * e + 1]; j <= ranges[4 * e + 3]; j++) {
        for (let i = ranges[4 * e]; i <= ranges[4 * e + 2]; i++) this.cellTris[fill[j * side + i]++] = e;
      }
    }
  }

  private cellX(x: number): number {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.x0) / this.hx)));
  }

  private cellY(y: number): number {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.y0) / this.hy)));
  }

  /** Triangle containing (x, y) and barycentric weights, or -1 when outside the mesh. */
  locate(x: number, y: number, bary: Float64Array): number {
    if (x < this.x0 - 1e-12 * this.hx * this.nx || y < this.y0 - 1e-12 * this.hy * this.ny) return -1;
    if (x > this.x0 + this.hx * this.nx * (1 + 1e-12) || y > this.y0 + this.hy * this.ny * (1 + 1e-12)) return -1;
    const c = this.cellY(y) * this.nx + this.cellX(x);
    const p = this.mesh.points.data;
    const t = this.mesh.triangles;
    for (let s = this.cellStart[c]; s < this.cellStart[c + 1]; s++) {
      const e = this.cellTris[s];
      const a = t[3 * e],
        b = t[3 * e + 1],
        d = t[3 * e + 2];
      const ax = p[2 * a],
        ay = p[2 * a + 1];
      const det = (p[2 * b] - ax) * (p[2 * d + 1] - ay) - (p[2 * d] - ax) * (p[2 * b + 1] - ay);
      const l1 = ((x - ax) * (p[2 * d + 1] - ay) - (p[2 * d] - ax) * (y - ay)) / det;
      const l2 = ((p[2 * b] - ax) * (y - ay) - (x - ax) * (p[2 * b + 1] - ay)) / det;
      const l0 = 1 - l1 - l2;
      const eps = -1e-10;
      if (l0 >= eps && l1 >= eps && l2 >= eps) {
        bary[0] = l0;
        bary[1] = l1;
        bary[2] = l2;
        return e;
      }
    }
    return -1;
  }

  /**
   * Interpolates nodal values (nodes x components, row-major) at the query points.
   * Points outside the mesh get NaN.
   */
  evaluate(values: Float64Array, at: Points, components = 1): Float64Array {
    checkDim(at, 2, 'P1Interpolator.evaluate at');
    const nNodes = pointCount(this.mesh.points);
    if (values.length !== nNodes * components) {
      throw new Error(
        `P1Interpolator.evaluate values: expected ${nNodes * components} entries (${nNodes} nodes x ${components}), got ${values.length}`,
      );
    }
    const q = pointCount(at);
    const out = new Float64Array(q * components);
    const bary = new Float64Array(3);
    const t = this.mesh.triangles;
    for (let i = 0; i < q; i++) {
      const e = this.locate(at.data[2 * i], at.data[2 * i + 1], bary);
      for (let c = 0; c < components; c++) {
        out[i * components + c] =
          e < 0
            ? NaN
            : bary[0] * values[t[3 * e] * components + c] +
              bary[1] * values[t[3 * e + 1] * components + c] +
              bary[2] * values[t[3 * e + 2] * components + c];
      }
    }
    return out;
  }
}
