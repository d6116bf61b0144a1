// The server's binary dataset body (../wire.ts) as typed-array views into it (no copies).
import { type WireArray, type WireBlock, type WireCells, splitBody } from '../wire.js';

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
  | {
      readonly kind: 'ImageData';
      readonly dims: [number, number, number];
      readonly origin: [number, number, number];
      readonly spacing: [number, number, number];
      readonly pointData: Field[];
    }
  | {
      readonly kind: 'UnstructuredGrid';
      readonly points: Float64Array;
      readonly cells: Cells;
      readonly types: Int32Array;
      readonly pointData: Field[];
    }
  | {
      readonly kind: 'PolyData';
      readonly points: Float64Array;
      readonly verts?: Cells;
      readonly lines?: Cells;
      readonly polys?: Cells;
      readonly pointData: Field[];
    };

export function decodeDataset(body: ArrayBuffer): Dataset {
  const { header: h, data } = splitBody(body);
  const view = (b: WireBlock) => {
    const at = data.start + b.offset;
    const size = b.type === 'f64' ? 8 : 4;
    if (at + b.length * size > data.buffer.byteLength)
      throw new Error(`dataset body: block at ${b.offset} (${b.length} x ${b.type}) runs past the end`);
    return at;
  };
  const f64 = (b: WireBlock) => new Float64Array(data.buffer, view(b), b.length);
  const i32 = (b: WireBlock) => new Int32Array(data.buffer, view(b), b.length);
  const cells = (c: WireCells): Cells => ({ connectivity: i32(c.connectivity), offsets: i32(c.offsets) });
  const pointData = h.pointData.map((a: WireArray): Field => ({ name: a.name, components: a.components, values: f64(a.values) }));
  if (h.kind === 'ImageData') return { kind: h.kind, dims: h.dims, origin: h.origin, spacing: h.spacing, pointData };
  if (h.kind === 'UnstructuredGrid') return { kind: h.kind, points: f64(h.points), cells: cells(h.cells), types: i32(h.types), pointData };
  return {
    kind: h.kind,
    points: f64(h.points),
    pointData,
    ...(h.verts ? { verts: cells(h.verts) } : {}),
    ...(h.lines ? { lines: cells(h.lines) } : {}),
    ...(h.polys ? { polys: cells(h.polys) } : {}),
  };
}

/** Number of slices the time slider steps through: the last axis of a 3-axis image, else 1. */
export function sliceCount(ds: Dataset): number {
  return ds.kind === 'ImageData' && ds.dims[2] > 1 ? ds.dims[2] : 1;
}
