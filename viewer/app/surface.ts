// Any dataset (or one slice of a 3-axis image) as renderable points + vertex/line/polygon cells
// in VTK's legacy cell-array layout [n, id0 .. id(n-1), n, ...], with one scalar per point.
import type { Cells, Dataset, Field } from './dataset.js';

export interface Surface {
  /** xyz per point. */
  readonly points: Float32Array;
  readonly verts: Uint32Array;
  readonly lines: Uint32Array;
  readonly polys: Uint32Array;
  /** Scalar per point (the magnitude for vector arrays). */
  readonly scalars: Map<string, Float32Array>;
}

const VERTEX = 1,
  POLY_VERTEX = 2,
  LINE = 3,
  POLY_LINE = 4,
  TRIANGLE = 5,
  POLYGON = 7,
  QUAD = 9,
  TETRA = 10,
  HEXAHEDRON = 12;
const TETRA_FACES = [
  [0, 1, 2],
  [0, 3, 1],
  [1, 3, 2],
  [0, 2, 3],
];
const HEX_FACES = [
  [0, 3, 2, 1],
  [4, 5, 6, 7],
  [0, 1, 5, 4],
  [1, 2, 6, 5],
  [2, 3, 7, 6],
  [3, 0, 4, 7],
];

/** Magnitude of each tuple, taking only the points listed in `ids` (all when omitted). */
function scalarOf(f: Field, ids?: ArrayLike<number>): Float32Array {
  const n = ids ? ids.length : f.values.length / f.components;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = ids ? ids[i] : i;
    if (f.components === 1) out[i] = f.values[p];
    else {
      let s = 0;
      for (let k = 0; k < f.components; k++) s += f.values[p * f.components + k] ** 2;
      out[i] = Math.sqrt(s);
    }
  }
  return out;
}

class CellWriter {
  private readonly data: number[] = [];
  add(ids: ArrayLike<number>): void {
    this.data.push(ids.length);
    for (let i = 0; i < ids.length; i++) this.data.push(ids[i]);
  }
  done(): Uint32Array {
    return Uint32Array.from(this.data);
  }
}

function copyCells(c: Cells | undefined): Uint32Array {
  const w = new CellWriter();
  if (c) forEachCell(c, (ids) => w.add(ids));
  return w.done();
}

function forEachCell(c: Cells, f: (ids: Int32Array, index: number) => void): void {
  let start = 0;
  for (let i = 0; i < c.offsets.length; i++) {
    f(c.connectivity.subarray(start, c.offsets[i]), i);
    start = c.offsets[i];
  }
}

/**
 * Image data: 1 axis -> a polyline, 2 axes -> quads, 3 axes -> the quads of slice `slice` along
 * the last axis (the time axis for space-time grids). Quads touching a point with `inside == 0`
 * (outside a CSG domain, still on the bounding-box grid) are left out.
 */
function imageSurface(ds: Extract<Dataset, { kind: 'ImageData' }>, slice: number): Surface {
  const [nx, ny, nz] = ds.dims;
  if (!Number.isInteger(slice) || slice < 0 || slice >= nz)
    throw new Error(`surface slice: expected an integer in 0..${nz - 1}, got ${slice}`);
  const n = nx * ny;
  const ids = Int32Array.from({ length: n }, (_, i) => slice * n + i);
  const points = new Float32Array(3 * n);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const p = j * nx + i;
      points[3 * p] = ds.origin[0] + i * ds.spacing[0];
      points[3 * p + 1] = ds.origin[1] + j * ds.spacing[1];
      // A 3-axis image is drawn slice by slice in its own plane: the slice axis is not space here.
      points[3 * p + 2] = nz > 1 ? 0 : ds.origin[2];
    }
  }
  const inside = ds.pointData.find((f) => f.name === 'inside');
  const keep = (p: number) => inside?.values[slice * n + p] !== 0;
  const lines = new CellWriter();
  const polys = new CellWriter();
  if (ny === 1) lines.add(Int32Array.from({ length: nx }, (_, i) => i));
  else {
    for (let j = 0; j + 1 < ny; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        const q = [j * nx + i, j * nx + i + 1, (j + 1) * nx + i + 1, (j + 1) * nx + i];
        if (q.every(keep)) polys.add(q);
      }
    }
  }
  const scalars = new Map(ds.pointData.map((f) => [f.name, scalarOf(f, ids)]));
  return { points, verts: new Uint32Array(0), lines: lines.done(), polys: polys.done(), scalars };
}

function unstructuredSurface(ds: Extract<Dataset, { kind: 'UnstructuredGrid' }>): Surface {
  const verts = new CellWriter();
  const lines = new CellWriter();
  const polys = new CellWriter();
  forEachCell(ds.cells, (ids, i) => {
    const t = ds.types[i];
    if (t === VERTEX || t === POLY_VERTEX) verts.add(ids);
    else if (t === LINE || t === POLY_LINE) lines.add(ids);
    else if (t === TRIANGLE || t === POLYGON || t === QUAD) polys.add(ids);
    else if (t === TETRA) for (const f of TETRA_FACES) polys.add(f.map((k) => ids[k]));
    else if (t === HEXAHEDRON) for (const f of HEX_FACES) polys.add(f.map((k) => ids[k]));
    // other cell types (wedges, quadratic cells) are not drawn
  });
  return {
    points: Float32Array.from(ds.points),
    verts: verts.done(),
    lines: lines.done(),
    polys: polys.done(),
    scalars: new Map(ds.pointData.map((f) => [f.name, scalarOf(f)])),
  };
}

export function toSurface(ds: Dataset, slice = 0): Surface {
  if (ds.kind === 'ImageData') return imageSurface(ds, slice);
  if (ds.kind === 'UnstructuredGrid') return unstructuredSurface(ds);
  return {
    points: Float32Array.from(ds.points),
    verts: copyCells(ds.verts),
    lines: copyCells(ds.lines),
    polys: copyCells(ds.polys),
    scalars: new Map(ds.pointData.map((f) => [f.name, scalarOf(f)])),
  };
}

/** [min, max] over several arrays (shared by prediction and reference so colours compare). */
export function scalarRange(arrays: readonly Float32Array[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) for (const v of a) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo === Infinity) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

export type Bounds = [number, number, number, number, number, number];

/** Axis-aligned bounds [xmin, xmax, ymin, ymax, zmin, zmax] enclosing every surface given. */
export function unionBounds(surfaces: readonly Surface[]): Bounds {
  const b: Bounds = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  for (const s of surfaces) {
    for (let i = 0; i < s.points.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        b[2 * k] = Math.min(b[2 * k], s.points[i + k]);
        b[2 * k + 1] = Math.max(b[2 * k + 1], s.points[i + k]);
      }
    }
  }
  return b;
}
