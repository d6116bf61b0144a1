// The server's wire format (../wire.ts) back into typed arrays.
import type { WireArray, WireCells, WireDataset } from '../wire.js';

export interface Field {
  readonly name: string;
  readonly components: number;
  readonly values: Float64Array;
}

export interface Cells {
  readonly connectivity: Int32Array;
  readonly offsets: Int32Array;
}

export type Dataset =
  | { readonly kind: 'ImageData'; readonly dims: [number, number, number]; readonly origin: [number, number, number]; readonly spacing: [number, number, number]; readonly pointData: Field[] }
  | { readonly kind: 'UnstructuredGrid'; readonly points: Float64Array; readonly cells: Cells; readonly types: Int32Array; readonly pointData: Field[] }
  | { readonly kind: 'PolyData'; readonly points: Float64Array; readonly verts?: Cells; readonly lines?: Cells; readonly polys?: Cells; readonly pointData: Field[] };

function bytes(b64: string): ArrayBuffer {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

const f64 = (b64: string) => new Float64Array(bytes(b64));
const i32 = (b64: string) => new Int32Array(bytes(b64));
const fields = (list: readonly WireArray[]): Field[] => list.map((a) => ({ name: a.name, components: a.components, values: f64(a.values) }));
const cells = (c: WireCells): Cells => ({ connectivity: i32(c.connectivity), offsets: i32(c.offsets) });

export function decodeDataset(w: WireDataset): Dataset {
  const pointData = fields(w.pointData);
  if (w.kind === 'ImageData') return { kind: w.kind, dims: w.dims, origin: w.origin, spacing: w.spacing, pointData };
  if (w.kind === 'UnstructuredGrid') return { kind: w.kind, points: f64(w.points), cells: cells(w.cells), types: i32(w.types), pointData };
  return {
    kind: w.kind, points: f64(w.points), pointData,
    ...(w.verts ? { verts: cells(w.verts) } : {}), ...(w.lines ? { lines: cells(w.lines) } : {}), ...(w.polys ? { polys: cells(w.polys) } : {}),
  };
}

/** Number of slices the time slider steps through: the last axis of a 3-axis image, else 1. */
export function sliceCount(ds: Dataset): number {
  return ds.kind === 'ImageData' && ds.dims[2] > 1 ? ds.dims[2] : 1;
}
