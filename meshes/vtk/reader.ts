// VTK XML readers for ImageData, UnstructuredGrid and PolyData: ascii, inline base64 binary,
// appended raw or base64, UInt32 or UInt64 headers, optionally zlib-compressed (ParaView's default).
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { fromBytes, parseScalarType } from './arrays.js';
import type { CellList, VtkArray, VtkImageData, VtkPolyData, VtkUnstructuredGrid } from './types.js';
import { type XmlElement, child, parseXml, requireChild } from './xml.js';

export type VtkReadDataset =
  | (VtkImageData & { readonly pointData: VtkArray[]; readonly cellData: VtkArray[] })
  | (VtkUnstructuredGrid & {
      readonly points: Float64Array;
      readonly cells: { connectivity: Float64Array; offsets: Float64Array };
      readonly types: Float64Array;
      readonly pointData: VtkArray[];
      readonly cellData: VtkArray[];
    })
  | (VtkPolyData & { readonly points: Float64Array; readonly pointData: VtkArray[]; readonly cellData: VtkArray[] });

interface Context {
  readonly where: string;
  readonly headerSize: number;
  readonly compressed: boolean;
  readonly appended?: { bytes: Uint8Array; start: number; encoding: 'raw' | 'base64' };
}

function readUInt(bytes: Uint8Array, at: number, size: number, where: string): number {
  if (at + size > bytes.length) throw new Error(`${where}: truncated binary block header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, size);
  return size === 8 ? Number(dv.getBigUint64(0, true)) : dv.getUint32(0, true);
}

/** Sequential reader over raw bytes or base64 text (decoding only what is asked for). */
class Source {
  constructor(
    private readonly bytes: Uint8Array,
    private pos: number,
    private readonly base64: boolean,
  ) {}

  /** Takes `n` decoded bytes that were encoded as one base64 unit (padding at its end). */
  take(n: number): Uint8Array {
    if (!this.base64) {
      const out = this.bytes.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const chars = 4 * Math.ceil(n / 3);
    const text = Buffer.from(this.bytes.subarray(this.pos, this.pos + chars)).toString('latin1');
    this.pos += chars;
    return new Uint8Array(Buffer.from(text, 'base64')).subarray(0, n);
  }

  /** Peeks the first `n` decoded bytes without consuming. */
  peek(n: number): Uint8Array {
    const save = this.pos;
    const out = this.base64 ? this.take(n) : this.bytes.subarray(this.pos, this.pos + n);
    this.pos = save;
    return out;
  }
}

function skipWhitespace(bytes: Uint8Array, pos: number): number {
  while (pos < bytes.length && (bytes[pos] === 32 || bytes[pos] === 10 || bytes[pos] === 13 || bytes[pos] === 9)) pos++;
  return pos;
}

function decodeBlock(src: Source, ctx: Context, where: string): Uint8Array {
  const h = ctx.headerSize;
  if (!ctx.compressed) {
    const size = readUInt(src.peek(h), 0, h, where);
    return src.take(h + size).subarray(h);
  }
  const nb = readUInt(src.peek(h), 0, h, where);
  const head = src.take((3 + nb) * h);
  const blockSize = readUInt(head, h, h, where);
  const lastSize = readUInt(head, 2 * h, h, where);
  const comp: number[] = [];
  for (let i = 0; i < nb; i++) comp.push(readUInt(head, (3 + i) * h, h, where));
  const data = src.take(comp.reduce((a, b) => a + b, 0));
  const out = new Uint8Array(nb === 0 ? 0 : (nb - 1) * blockSize + (lastSize || blockSize));
  let inOff = 0;
  let outOff = 0;
  for (const c of comp) {
    const block = inflateSync(data.subarray(inOff, inOff + c));
    out.set(block, outOff);
    inOff += c;
    outOff += block.length;
  }
  return out;
}

function readDataArray(el: XmlElement, ctx: Context, tuples: number | undefined): VtkArray {
  const name = el.attrs.Name ?? '';
  const where = `${ctx.where} DataArray '${name}'`;
  const type = parseScalarType(el.attrs.type ?? '', where);
  const components = Number(el.attrs.NumberOfComponents ?? '1');
  const format = el.attrs.format ?? 'ascii';
  let values: Float64Array;
  if (format === 'ascii') {
    const t = el.text.trim();
    values = t === '' ? new Float64Array(0) : Float64Array.from(t.split(/\s+/), Number);
    if (values.some((v) => Number.isNaN(v)) && !/nan/i.test(t)) throw new Error(`${where}: non-numeric ascii data`);
  } else {
    let src: Source;
    if (format === 'binary') {
      const bytes = new TextEncoder().encode(el.text.replace(/\s+/g, ''));
      src = new Source(bytes, 0, true);
    } else if (format === 'appended') {
      if (!ctx.appended) throw new Error(`${where}: format="appended" but the file has no <AppendedData>`);
      const offset = Number(el.attrs.offset);
      if (!Number.isInteger(offset) || offset < 0) throw new Error(`${where}: bad appended offset '${el.attrs.offset}'`);
      src = new Source(ctx.appended.bytes, ctx.appended.start + offset, ctx.appended.encoding === 'base64');
    } else {
      throw new Error(`${where}: unsupported format '${format}'`);
    }
    const bytes = decodeBlock(src, ctx, where);
    const size =
      type === 'Float64' || type === 'Int64' || type === 'UInt64'
        ? 8
        : type === 'Float32' || type === 'Int32' || type === 'UInt32'
          ? 4
          : type === 'Int16' || type === 'UInt16'
            ? 2
            : 1;
    values = fromBytes(bytes, type, Math.floor(bytes.length / size), where);
  }
  if (tuples !== undefined && values.length !== tuples * components) {
    throw new Error(`${where}: expected ${tuples} tuples x ${components} components, found ${values.length} values`);
  }
  return { name, type, components, values };
}

function readFields(piece: XmlElement, tag: string, ctx: Context, tuples: number): VtkArray[] {
  const el = child(piece, tag);
  return el ? el.children.filter((c) => c.name === 'DataArray').map((c) => readDataArray(c, ctx, tuples)) : [];
}

function namedArray(parent: XmlElement, name: string, ctx: Context): Float64Array {
  const el = parent.children.find((c) => c.name === 'DataArray' && c.attrs.Name === name);
  if (!el) throw new Error(`${ctx.where}: missing DataArray '${name}' in <${parent.name}>`);
  return readDataArray(el, ctx, undefined).values;
}

function readCells(piece: XmlElement, tag: string, ctx: Context): { connectivity: Float64Array; offsets: Float64Array } | undefined {
  const el = child(piece, tag);
  if (!el || el.children.length === 0) return undefined;
  return { connectivity: namedArray(el, 'connectivity', ctx), offsets: namedArray(el, 'offsets', ctx) };
}

function readPoints(piece: XmlElement, ctx: Context, n: number): Float64Array {
  const el = requireChild(requireChild(piece, 'Points', ctx.where), 'DataArray', ctx.where);
  return readDataArray(el, ctx, n).values;
}

function onePiece(grid: XmlElement, where: string): XmlElement {
  const pieces = grid.children.filter((c) => c.name === 'Piece');
  if (pieces.length !== 1) throw new Error(`${where}: expected exactly one <Piece>, found ${pieces.length}`);
  return pieces[0];
}

function numbers(s: string | undefined, count: number, what: string, where: string): number[] {
  const v = (s ?? '').trim().split(/\s+/).map(Number);
  if (v.length !== count || v.some((x) => !Number.isFinite(x)))
    throw new Error(`${where}: attribute ${what}="${s ?? ''}" should hold ${count} numbers`);
  return v;
}

/** Decodes a VTK XML file's bytes; `where` names the source in error messages. */
export function decodeVtk(bytes: Uint8Array, where = 'vtk'): VtkReadDataset {
  const latin = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const appendedAt = latin.indexOf('<AppendedData');
  let appended: Context['appended'];
  let xmlEnd = bytes.length;
  if (appendedAt >= 0) {
    const tagEnd = latin.indexOf('>', appendedAt);
    const tagText = latin.subarray(appendedAt, tagEnd + 1).toString('latin1');
    const encoding = /encoding\s*=\s*"(\w+)"/.exec(tagText)?.[1] ?? 'raw';
    if (encoding !== 'raw' && encoding !== 'base64') throw new Error(`${where}: unsupported AppendedData encoding '${encoding}'`);
    const underscore = latin.indexOf('_', tagEnd);
    if (underscore < 0) throw new Error(`${where}: <AppendedData> lacks the '_' marker`);
    appended = { bytes, start: encoding === 'base64' ? skipWhitespace(bytes, underscore + 1) : underscore + 1, encoding };
    xmlEnd = appendedAt;
  }
  const text = new TextDecoder().decode(bytes.subarray(0, xmlEnd)) + (appended ? '</VTKFile>' : '');
  const root = parseXml(text, where);
  const file = root.children.find((c) => c.name === 'VTKFile');
  if (!file) throw new Error(`${where}: not a VTK XML file (no <VTKFile> element)`);
  const kind = file.attrs.type;
  if (file.attrs.byte_order && file.attrs.byte_order !== 'LittleEndian')
    throw new Error(`${where}: byte_order ${file.attrs.byte_order} is not supported`);
  const header = file.attrs.header_type ?? 'UInt32';
  if (header !== 'UInt32' && header !== 'UInt64') throw new Error(`${where}: unsupported header_type '${header}'`);
  const compressor = file.attrs.compressor;
  if (compressor && compressor !== 'vtkZLibDataCompressor') throw new Error(`${where}: unsupported compressor '${compressor}' (only zlib)`);
  const ctx: Context = { where, headerSize: header === 'UInt64' ? 8 : 4, compressed: !!compressor, appended };
  if (kind === 'ImageData') {
    const grid = requireChild(file, 'ImageData', where);
    const piece = onePiece(grid, where);
    const ext = numbers(piece.attrs.Extent ?? grid.attrs.WholeExtent, 6, 'Extent', where);
    const origin = numbers(grid.attrs.Origin ?? '0 0 0', 3, 'Origin', where);
    const spacing = numbers(grid.attrs.Spacing ?? '1 1 1', 3, 'Spacing', where);
    const dims: [number, number, number] = [ext[1] - ext[0] + 1, ext[3] - ext[2] + 1, ext[5] - ext[4] + 1];
    const o: [number, number, number] = [origin[0] + ext[0] * spacing[0], origin[1] + ext[2] * spacing[1], origin[2] + ext[4] * spacing[2]];
    const nCells = Math.max(dims[0] - 1, 1) * Math.max(dims[1] - 1, 1) * Math.max(dims[2] - 1, 1);
    return {
      kind,
      dims,
      origin: o,
      spacing: [spacing[0], spacing[1], spacing[2]],
      pointData: readFields(piece, 'PointData', ctx, dims[0] * dims[1] * dims[2]),
      cellData: readFields(piece, 'CellData', ctx, nCells),
    };
  }
  if (kind === 'UnstructuredGrid') {
    const piece = onePiece(requireChild(file, 'UnstructuredGrid', where), where);
    const n = Number(piece.attrs.NumberOfPoints);
    const m = Number(piece.attrs.NumberOfCells);
    const cellsEl = requireChild(piece, 'Cells', where);
    const cells = { connectivity: namedArray(cellsEl, 'connectivity', ctx), offsets: namedArray(cellsEl, 'offsets', ctx) };
    if (cells.offsets.length !== m) throw new Error(`${where}: NumberOfCells=${m} but ${cells.offsets.length} offsets`);
    return {
      kind,
      points: readPoints(piece, ctx, n),
      pointDim: 3,
      cells,
      types: namedArray(cellsEl, 'types', ctx),
      pointData: readFields(piece, 'PointData', ctx, n),
      cellData: readFields(piece, 'CellData', ctx, m),
    };
  }
  if (kind === 'PolyData') {
    const piece = onePiece(requireChild(file, 'PolyData', where), where);
    const n = Number(piece.attrs.NumberOfPoints);
    const total = ['NumberOfVerts', 'NumberOfLines', 'NumberOfStrips', 'NumberOfPolys'].reduce(
      (s, k) => s + Number(piece.attrs[k] ?? 0),
      0,
    );
    const out: VtkPolyData & {
      points: Float64Array;
      pointData: VtkArray[];
      cellData: VtkArray[];
      verts?: CellList;
      lines?: CellList;
      polys?: CellList;
    } = {
      kind,
      points: readPoints(piece, ctx, n),
      pointDim: 3,
      pointData: readFields(piece, 'PointData', ctx, n),
      cellData: readFields(piece, 'CellData', ctx, total),
    };
    const verts = readCells(piece, 'Verts', ctx);
    const lines = readCells(piece, 'Lines', ctx);
    const polys = readCells(piece, 'Polys', ctx);
    return {
      ...out,
      ...(verts?.offsets.length ? { verts } : {}),
      ...(lines?.offsets.length ? { lines } : {}),
      ...(polys?.offsets.length ? { polys } : {}),
    };
  }
  throw new Error(`${where}: unsupported VTK file type '${kind ?? '(none)'}'`);
}

export function readVtk(path: string): VtkReadDataset {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readVtk: cannot read '${path}': ${(e as Error).message}`);
  }
  return decodeVtk(bytes, path);
}
