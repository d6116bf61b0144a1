// Decoded VTK datasets (meshes/ reader) to the binary body described in wire.ts.
import type { CellList, VtkArray, VtkReadDataset } from '../meshes/index.js';
import type { WireArray, WireBlock, WireCells, WireHeader } from './wire.js';

class Blocks {
  readonly parts: Uint8Array[] = [];
  private size = 0;

  add(values: ArrayLike<number>, type: WireBlock['type']): WireBlock {
    // Float64 input (all the reader's values and points) goes out without a copy.
    const typed = type === 'f64' ? (values instanceof Float64Array ? values : Float64Array.from(values)) : Int32Array.from(values);
    const block: WireBlock = { type, offset: this.size, length: typed.length };
    this.parts.push(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    this.size += typed.byteLength;
    const pad = (8 - (this.size % 8)) % 8; // keeps every Float64 view aligned
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.size += pad;
    }
    return block;
  }
}

export function encodeWire(ds: VtkReadDataset): Buffer {
  const b = new Blocks();
  const arrays = (list: readonly VtkArray[]): WireArray[] =>
    list.map((a) => ({ name: a.name, components: a.components, values: b.add(a.values, 'f64') }));
  const cells = (c: CellList): WireCells => ({ connectivity: b.add(c.connectivity, 'i32'), offsets: b.add(c.offsets, 'i32') });
  const optional = (c: CellList | undefined) => (c && c.offsets.length > 0 ? cells(c) : undefined);
  let header: WireHeader;
  if (ds.kind === 'ImageData') {
    header = {
      kind: 'ImageData',
      dims: [...ds.dims],
      origin: [...ds.origin],
      spacing: [...ds.spacing],
      pointData: arrays(ds.pointData),
      cellData: arrays(ds.cellData),
    };
  } else if (ds.kind === 'UnstructuredGrid') {
    header = {
      kind: 'UnstructuredGrid',
      points: b.add(ds.points, 'f64'),
      cells: cells(ds.cells),
      types: b.add(ds.types, 'i32'),
      pointData: arrays(ds.pointData),
      cellData: arrays(ds.cellData),
    };
  } else {
    header = {
      kind: 'PolyData',
      points: b.add(ds.points, 'f64'),
      verts: optional(ds.verts),
      lines: optional(ds.lines),
      polys: optional(ds.polys),
      pointData: arrays(ds.pointData),
      cellData: arrays(ds.cellData),
    };
  }
  const json = Buffer.from(JSON.stringify(header));
  const lead = Buffer.alloc(4);
  lead.writeUInt32LE(json.length, 0);
  const pad = Buffer.alloc((8 - ((4 + json.length) % 8)) % 8);
  return Buffer.concat([lead, json, pad, ...b.parts]);
}
