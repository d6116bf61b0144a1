// Decoded VTK datasets (meshes/ reader) to the app's wire format (see wire.ts).
import type { CellList, VtkArray, VtkReadDataset } from '../meshes/index.js';
import type { WireArray, WireCells, WireDataset } from './wire.js';

function b64(values: ArrayLike<number>, ctor: Float64ArrayConstructor | Int32ArrayConstructor): string {
  const typed = ctor.from(values as ArrayLike<number>);
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64');
}

const arrays = (list: readonly VtkArray[]): WireArray[] => list.map((a) => ({ name: a.name, components: a.components, values: b64(a.values, Float64Array) }));
const cells = (c: CellList): WireCells => ({ connectivity: b64(c.connectivity, Int32Array), offsets: b64(c.offsets, Int32Array) });
const optionalCells = (c: CellList | undefined): WireCells | undefined => (c && c.offsets.length > 0 ? cells(c) : undefined);

export function toWire(ds: VtkReadDataset): WireDataset {
  const pointData = arrays(ds.pointData);
  const cellData = arrays(ds.cellData);
  if (ds.kind === 'ImageData') {
    return { kind: 'ImageData', dims: [...ds.dims], origin: [...ds.origin], spacing: [...ds.spacing], pointData, cellData };
  }
  if (ds.kind === 'UnstructuredGrid') {
    return { kind: 'UnstructuredGrid', points: b64(ds.points, Float64Array), cells: cells(ds.cells), types: b64(ds.types, Int32Array), pointData, cellData };
  }
  return {
    kind: 'PolyData', points: b64(ds.points, Float64Array),
    verts: optionalCells(ds.verts), lines: optionalCells(ds.lines), polys: optionalCells(ds.polys), pointData, cellData,
  };
}
