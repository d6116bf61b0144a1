// Structured uniform grids with points in VTK order (x fastest, then y, then z).
import type { BBox, Points } from './points.js';

export interface UniformGrid {
  /** Points per axis. */
  readonly counts: readonly number[];
  readonly origin: Float64Array;
  readonly spacing: Float64Array;
  readonly points: Points;
}

export function uniformGrid(bbox: BBox | { min: ArrayLike<number>; max: ArrayLike<number> }, counts: readonly number[]): UniformGrid {
  const d = counts.length;
  if (d === 0 || bbox.min.length !== d || bbox.max.length !== d) {
    throw new Error(`uniformGrid: counts has ${d} entries but bbox has dimension ${bbox.min.length}/${bbox.max.length}`);
  }
  counts.forEach((c, k) => {
    if (!Number.isInteger(c) || c < 1) throw new Error(`uniformGrid counts[${k}]: expected a positive integer, got ${c}`);
    if (c > 1 && !(bbox.max[k] > bbox.min[k])) throw new Error(`uniformGrid bbox: max[${k}] must exceed min[${k}]`);
  });
  const origin = Float64Array.from(bbox.min);
  const spacing = Float64Array.from(counts, (c, k) => (c > 1 ? (bbox.max[k] - bbox.min[k]) / (c - 1) : 0));
  const n = counts.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n * d);
  const idx = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) data[i * d + k] = origin[k] + spacing[k] * idx[k];
    for (let k = 0; k < d; k++) {
      if (++idx[k] < counts[k]) break;
      idx[k] = 0;
    }
  }
  return { counts: [...counts], origin, spacing, points: { data, dim: d } };
}

/** Flat VTK index of grid node (i, j, k, ...). */
export function gridIndex(counts: readonly number[], ijk: readonly number[]): number {
  let idx = 0;
  for (let k = counts.length - 1; k >= 0; k--) idx = idx * counts[k] + ijk[k];
  return idx;
}
