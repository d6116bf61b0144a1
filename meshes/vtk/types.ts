// VTK XML dataset model shared by the writers and the readers.

export type VtkScalarType = 'Float32' | 'Float64' | 'Int8' | 'UInt8' | 'Int16' | 'UInt16' | 'Int32' | 'UInt32' | 'Int64' | 'UInt64';

/** A named array as given to the writers. `type` defaults from the typed array (else Float64). */
export interface VtkArrayInput {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly components?: number;
  readonly type?: VtkScalarType;
}

/** A named array as returned by the readers: values widened to Float64Array, type kept. */
export interface VtkArray extends VtkArrayInput {
  readonly values: Float64Array;
  readonly components: number;
  readonly type: VtkScalarType;
}

/** Flat cell list: cell i uses connectivity[offsets[i-1] .. offsets[i]) (offsets are end indices, as in VTK). */
export interface CellList {
  readonly connectivity: ArrayLike<number>;
  readonly offsets: ArrayLike<number>;
}

export const VTK_CELL = {
  VERTEX: 1,
  POLY_VERTEX: 2,
  LINE: 3,
  POLY_LINE: 4,
  TRIANGLE: 5,
  POLYGON: 7,
  QUAD: 9,
  TETRA: 10,
  HEXAHEDRON: 12,
} as const;

export interface VtkImageData {
  readonly kind: 'ImageData';
  /** Points per axis (nx, ny, nz); use 1 for unused axes. */
  readonly dims: readonly [number, number, number];
  readonly origin: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  readonly pointData?: readonly VtkArrayInput[];
  readonly cellData?: readonly VtkArrayInput[];
}

export interface VtkUnstructuredGrid {
  readonly kind: 'UnstructuredGrid';
  /** Flat xyz coordinates (3 per point); writers also accept 1 or 2 per point via `pointDim`. */
  readonly points: ArrayLike<number>;
  readonly pointDim?: number;
  readonly cells: CellList;
  readonly types: ArrayLike<number>;
  readonly pointData?: readonly VtkArrayInput[];
  readonly cellData?: readonly VtkArrayInput[];
}

export interface VtkPolyData {
  readonly kind: 'PolyData';
  readonly points: ArrayLike<number>;
  readonly pointDim?: number;
  readonly verts?: CellList;
  readonly lines?: CellList;
  readonly polys?: CellList;
  readonly pointData?: readonly VtkArrayInput[];
  readonly cellData?: readonly VtkArrayInput[];
}

export type VtkDataset = VtkImageData | VtkUnstructuredGrid | VtkPolyData;

export interface VtkWriteOptions {
  /** 'binary' = appended raw data (default); 'ascii' = inline text. */
  readonly format?: 'ascii' | 'binary';
  /** Size prefix of each appended block. Default UInt64. */
  readonly headerType?: 'UInt32' | 'UInt64';
}

/** Cell lists of a fixed size (e.g. 3 for triangles) from a flat index array. */
export function uniformCells(indices: ArrayLike<number>, nodesPerCell: number): CellList {
  if (indices.length % nodesPerCell !== 0) {
    throw new Error(`uniformCells: ${indices.length} indices is not a multiple of ${nodesPerCell} nodes per cell`);
  }
  const m = indices.length / nodesPerCell;
  return { connectivity: Int32Array.from(indices), offsets: Int32Array.from({ length: m }, (_, i) => (i + 1) * nodesPerCell) };
}

/** Unstructured grid of one cell type from a flat index array (e.g. TriMesh.triangles). */
export function unstructuredFromCells(
  points: ArrayLike<number>,
  pointDim: number,
  indices: ArrayLike<number>,
  cellType: number,
  nodesPerCell: number,
): VtkUnstructuredGrid {
  const cells = uniformCells(indices, nodesPerCell);
  return { kind: 'UnstructuredGrid', points, pointDim, cells, types: new Uint8Array(cells.offsets.length).fill(cellType) };
}
