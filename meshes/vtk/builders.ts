// Convenience constructors from meshes/ structures to VTK datasets.
import type { UniformGrid } from '../grid.js';
import type { Points } from '../points.js';
import { type VtkArrayInput, type VtkImageData, type VtkPolyData, uniformCells } from './types.js';

/** ImageData for a 1-3D uniformGrid; node values are in the grid's (VTK) point order. */
export function imageDataFromGrid(
  grid: UniformGrid,
  pointData: readonly VtkArrayInput[] = [],
  cellData: readonly VtkArrayInput[] = [],
): VtkImageData {
  const d = grid.counts.length;
  if (d > 3) throw new Error(`imageDataFromGrid: VTK ImageData holds at most 3 dimensions, grid has ${d}`);
  const pick = (v: ArrayLike<number>, fill: number) => [0, 1, 2].map((k) => (k < d ? v[k] : fill)) as [number, number, number];
  return {
    kind: 'ImageData',
    dims: pick(grid.counts, 1),
    origin: pick(grid.origin, 0),
    spacing: pick(grid.spacing, 1),
    pointData,
    cellData,
  };
}

/**
 * PolyData for particles (one vertex cell each) and optional springs (2-node line cells).
 * Cell data, if given, is ordered verts first, then lines (VTK's order).
 */
export function polyDataFromParticles(
  points: Points,
  springs?: ArrayLike<number>,
  pointData: readonly VtkArrayInput[] = [],
  cellData: readonly VtkArrayInput[] = [],
): VtkPolyData {
  if (points.dim < 1 || points.dim > 3) throw new Error(`polyDataFromParticles: points must be 1-3D, got dim ${points.dim}`);
  const n = points.data.length / points.dim;
  return {
    kind: 'PolyData',
    points: points.data,
    pointDim: points.dim,
    verts: uniformCells(
      Int32Array.from({ length: n }, (_, i) => i),
      1,
    ),
    ...(springs ? { lines: uniformCells(springs, 2) } : {}),
    pointData,
    cellData,
  };
}
