// Interpolation of tabulated data (coefficient fields, initial conditions read from files) at any point:
// multilinear or nearest on rectilinear grids, and at scattered points nearest neighbour (k-d tree) or,
// in 2-D, linear on the Delaunay triangulation (barycentric), falling back to nearest outside the hull.
import { triangulate, P1Interpolator } from './trimesh.js';

export type InterpolationMethod = 'linear' | 'nearest';
/** A value at a point (its first `dim` coordinates are read). */
export type PointFunction = (p: ArrayLike<number>) => number;

function checkData(points: ArrayLike<number>, values: ArrayLike<number>, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`${what}: expected a dimension >= 1, got ${dim}`);
  const n = values.length;
  if (n < 1) throw new Error(`${what}: expected at least one data point`);
  if (points.length !== n * dim)
    throw new Error(`${what}: expected ${n} x ${dim} = ${n * dim} coordinates for ${n} values, got ${points.length}`);
  return n;
}

/** Sorted distinct node values per axis when the points are exactly the nodes of a rectilinear grid, else null. */
export function gridAxes(points: ArrayLike<number>, dim: number): Float64Array[] | null {
  const n = points.length / dim;
  const axes: Float64Array[] = [];
  for (let k = 0; k < dim; k++) {
    const set = new Set<number>();
    for (let i = 0; i < n; i++) set.add(points[i * dim + k]);
    axes.push(Float64Array.from(set).sort());
  }
  if (axes.reduce((p, a) => p * a.length, 1) !== n) return null;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = gridOffset(axes, points, i * dim);
    if (seen[at]) return null; // a repeated point: some node is missing
    seen[at] = 1;
  }
  return axes;
}

/** Row-major offset (last axis fastest) of the grid node at points[base..base+dim). */
function gridOffset(axes: readonly Float64Array[], points: ArrayLike<number>, base: number): number {
  let at = 0;
  axes.forEach((a, k) => (at = at * a.length + lowerIndex(a, points[base + k])));
  return at;
}

/** Largest i with a[i] <= v (0 below the first node). */
function lowerIndex(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length - 1;
  if (v >= a[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Interpolant of values given at the nodes of a rectilinear grid (any order of the points): multilinear or
 * nearest node. Outside the grid the coordinates are clamped to it (the boundary values continue).
 */
export function gridInterpolator(
  points: ArrayLike<number>,
  values: ArrayLike<number>,
  dim: number,
  method: InterpolationMethod = 'linear',
): PointFunction {
  checkData(points, values, dim, 'gridInterpolator');
  const axes = gridAxes(points, dim);
  if (!axes) throw new Error('gridInterpolator: the points do not form a rectilinear grid (use scatteredInterpolator)');
  const grid = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) grid[gridOffset(axes, points, i * dim)] = values[i];
  const strides = axes.map((_, k) => axes.slice(k + 1).reduce((p, a) => p * a.length, 1));
  const cell = new Int32Array(dim);
  const frac = new Float64Array(dim);
  return (p) => {
    for (let k = 0; k < dim; k++) {
      const a = axes[k];
      const v = Math.min(a[a.length - 1], Math.max(a[0], p[k]));
      const i = Math.min(lowerIndex(a, v), Math.max(a.length - 2, 0));
      const t = a.length > 1 ? (v - a[i]) / (a[i + 1] - a[i]) : 0;
      if (method === 'nearest') {
        cell[k] = t > 0.5 ? i + 1 : i;
        frac[k] = 0;
      } else {
        cell[k] = i;
        frac[k] = t;
      }
    }
    let sum = 0;
    // 2^dim corners; corners of weight 0 are skipped (also keeps single-node axes in range)
    for (let m = 0; m < 1 << dim; m++) {
      let w = 1;
      let at = 0;
      for (let k = 0; k < dim && w !== 0; k++) {
        const up = (m >> k) & 1;
        w *= up ? frac[k] : 1 - frac[k];
        at += (cell[k] + up) * strides[k];
      }
      if (w !== 0) sum += w * grid[at];
    }
    return sum;
  };
}

interface KdNode {
  index: number;
  axis: number;
  left: KdNode | null;
  right: KdNode | null;
}

/** Index of the data point nearest to each query (Euclidean), by a k-d tree. */
export function nearestIndex(points: ArrayLike<number>, dim: number): (p: ArrayLike<number>) => number {
  const n = points.length / dim;
  const build = (ids: number[], depth: number): KdNode | null => {
    if (!ids.length) return null;
    const axis = depth % dim;
    ids.sort((a, b) => points[a * dim + axis] - points[b * dim + axis]);
    const mid = ids.length >> 1;
    return { index: ids[mid], axis, left: build(ids.slice(0, mid), depth + 1), right: build(ids.slice(mid + 1), depth + 1) };
  };
  const root = build(
    Array.from({ length: n }, (_, i) => i),
    0,
  );
  return (p) => {
    let best = -1;
    let bestD = Infinity;
    const visit = (node: KdNode | null): void => {
      if (!node) return;
      let d2 = 0;
      for (let k = 0; k < dim; k++) d2 += (points[node.index * dim + k] - p[k]) ** 2;
      if (d2 < bestD || (d2 === bestD && node.index < best)) {
        bestD = d2;
        best = node.index;
      }
      const diff = p[node.axis] - points[node.index * dim + node.axis];
      const [near, far] = diff < 0 ? [node.left, node.right] : [node.right, node.left];
      visit(near);
      if (diff * diff <= bestD) visit(far);
    };
    visit(root);
    return best;
  };
}

/**
 * Interpolant of values at scattered points: 'nearest' picks the nearest data point; 'linear' is barycentric
 * on the Delaunay triangulation in 2-D (nearest outside the convex hull, and in other dimensions).
 */
export function scatteredInterpolator(
  points: ArrayLike<number>,
  values: ArrayLike<number>,
  dim: number,
  method: InterpolationMethod = 'linear',
): PointFunction {
  const n = checkData(points, values, dim, 'scatteredInterpolator');
  const nearest = nearestIndex(points, dim);
  const byNearest: PointFunction = (p) => values[nearest(p)];
  if (method === 'nearest' || dim !== 2 || n < 3) return byNearest;
  let p1: P1Interpolator;
  try {
    p1 = new P1Interpolator(triangulate({ data: Float64Array.from(points), dim: 2 }));
  } catch {
    return byNearest; // collinear points: no triangles
  }
  const tris = p1.mesh.triangles;
  const bary = new Float64Array(3);
  return (p) => {
    const e = p1.locate(p[0], p[1], bary);
    if (e < 0) return byNearest(p);
    return bary[0] * values[tris[3 * e]] + bary[1] * values[tris[3 * e + 1]] + bary[2] * values[tris[3 * e + 2]];
  };
}

/** gridInterpolator when the points form a rectilinear grid, else scatteredInterpolator. */
export function tableInterpolator(
  points: ArrayLike<number>,
  values: ArrayLike<number>,
  dim: number,
  method: InterpolationMethod = 'linear',
): PointFunction {
  checkData(points, values, dim, 'tableInterpolator');
  return gridAxes(points, dim) ? gridInterpolator(points, values, dim, method) : scatteredInterpolator(points, values, dim, method);
}
