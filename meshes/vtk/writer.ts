// VTK XML writers (ImageData .vti, UnstructuredGrid .vtu, PolyData .vtp) in ASCII or
// binary-appended raw encoding, readable by ParaView and vtk.js.
import { writeFileSync } from 'node:fs';
import { arrayMeta, formatAscii, toBytes } from './arrays.js';
import type { CellList, VtkArrayInput, VtkDataset, VtkScalarType, VtkWriteOptions } from './types.js';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

class XmlBody {
  readonly lines: string[] = [];
  readonly blocks: Uint8Array[] = [];
  private offset = 0;

  constructor(
    private readonly binary: boolean,
    private readonly header: 'UInt32' | 'UInt64',
  ) {}

  dataArray(indent: string, name: string | undefined, type: VtkScalarType, components: number, values: ArrayLike<number>): void {
    const attrs = `type="${type}"${name !== undefined ? ` Name="${escapeXml(name)}"` : ''} NumberOfComponents="${components}"`;
    if (!this.binary) {
      this.lines.push(`${indent}<DataArray ${attrs} format="ascii">`, `${indent}  ${formatAscii(values, type)}`, `${indent}</DataArray>`);
      return;
    }
    // vtk.js views appended data in place, so each array's data must start 8-byte aligned in the
    // file (the appended section itself starts aligned; see encodeVtk). Readers follow offsets,
    // so the padding gaps are harmless.
    const hsize = this.header === 'UInt64' ? 8 : 4;
    const gap = (8 - ((this.offset + hsize) % 8)) % 8;
    if (gap) {
      this.blocks.push(new Uint8Array(gap));
      this.offset += gap;
    }
    this.lines.push(`${indent}<DataArray ${attrs} format="appended" offset="${this.offset}"/>`);
    const bytes = toBytes(values, type);
    const head =
      this.header === 'UInt64'
        ? new Uint8Array(new BigUint64Array([BigInt(bytes.length)]).buffer)
        : new Uint8Array(new Uint32Array([bytes.length]).buffer);
    if (this.header === 'UInt32' && bytes.length > 0xffffffff) throw new Error('vtk writer: array exceeds 4 GiB; use headerType UInt64');
    this.blocks.push(head, bytes);
    this.offset += head.length + bytes.length;
  }

  fields(indent: string, tag: 'PointData' | 'CellData', arrays: readonly VtkArrayInput[] | undefined, tuples: number): void {
    if (!arrays || arrays.length === 0) return;
    this.lines.push(`${indent}<${tag}>`);
    for (const a of arrays) {
      const { type, components } = arrayMeta(a, tuples, `vtk writer ${tag}`);
      this.dataArray(indent + '  ', a.name, type, components, a.values);
    }
    this.lines.push(`${indent}</${tag}>`);
  }

  points(indent: string, coords: ArrayLike<number>, pointDim: number): number {
    if (!Number.isInteger(pointDim) || pointDim < 1 || pointDim > 3)
      throw new Error(`vtk writer pointDim: expected 1, 2 or 3, got ${pointDim}`);
    if (coords.length % pointDim !== 0)
      throw new Error(`vtk writer points: length ${coords.length} is not a multiple of pointDim ${pointDim}`);
    const n = coords.length / pointDim;
    let xyz: ArrayLike<number> = coords;
    if (pointDim !== 3) {
      const padded = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) for (let k = 0; k < pointDim; k++) padded[3 * i + k] = coords[i * pointDim + k];
      xyz = padded;
    }
    this.lines.push(`${indent}<Points>`);
    this.dataArray(indent + '  ', 'Points', coords instanceof Float32Array ? 'Float32' : 'Float64', 3, xyz);
    this.lines.push(`${indent}</Points>`);
    return n;
  }

  cells(indent: string, tag: string, cells: CellList, nPoints: number, types?: ArrayLike<number>): number {
    const m = cells.offsets.length;
    let prev = 0;
    for (let i = 0; i < m; i++) {
      if (!(cells.offsets[i] >= prev))
        throw new Error(`vtk writer ${tag}: offsets must be non-decreasing end indices (offsets[${i}]=${cells.offsets[i]})`);
      prev = cells.offsets[i];
    }
    if (prev !== cells.connectivity.length)
      throw new Error(`vtk writer ${tag}: last offset ${prev} must equal connectivity length ${cells.connectivity.length}`);
    for (let i = 0; i < cells.connectivity.length; i++) {
      const v = cells.connectivity[i];
      if (!(v >= 0 && v < nPoints)) throw new Error(`vtk writer ${tag}: connectivity[${i}]=${v} is not a point index in 0..${nPoints - 1}`);
    }
    this.lines.push(`${indent}<${tag}>`);
    this.dataArray(indent + '  ', 'connectivity', 'Int32', 1, cells.connectivity);
    this.dataArray(indent + '  ', 'offsets', 'Int32', 1, cells.offsets);
    if (types) {
      if (types.length !== m) throw new Error(`vtk writer ${tag}: ${types.length} cell types for ${m} cells`);
      this.dataArray(indent + '  ', 'types', 'UInt8', 1, types);
    }
    this.lines.push(`${indent}</${tag}>`);
    return m;
  }
}

const EMPTY: CellList = { connectivity: [], offsets: [] };

/** Encodes a dataset as a complete VTK XML file. */
export function encodeVtk(ds: VtkDataset, options: VtkWriteOptions = {}): Uint8Array {
  const binary = (options.format ?? 'binary') === 'binary';
  const header = options.headerType ?? 'UInt64';
  if (options.format !== undefined && options.format !== 'ascii' && options.format !== 'binary')
    throw new Error(`vtk writer format: expected 'ascii' or 'binary', got '${String(options.format)}'`);
  if (header !== 'UInt32' && header !== 'UInt64')
    throw new Error(`vtk writer headerType: expected 'UInt32' or 'UInt64', got '${String(header)}'`);
  const body = new XmlBody(binary, header);
  const L = body.lines;
  L.push('<?xml version="1.0"?>');
  L.push(`<VTKFile type="${ds.kind}" version="1.0" byte_order="LittleEndian" header_type="${header}">`);
  if (ds.kind === 'ImageData') {
    const [nx, ny, nz] = ds.dims;
    for (const [k, c] of ds.dims.entries())
      if (!Number.isInteger(c) || c < 1) throw new Error(`vtk writer ImageData dims[${k}]: expected a positive integer, got ${c}`);
    const ext = `0 ${nx - 1} 0 ${ny - 1} 0 ${nz - 1}`;
    L.push(`  <ImageData WholeExtent="${ext}" Origin="${ds.origin.join(' ')}" Spacing="${ds.spacing.join(' ')}">`);
    L.push(`    <Piece Extent="${ext}">`);
    body.fields('      ', 'PointData', ds.pointData, nx * ny * nz);
    body.fields('      ', 'CellData', ds.cellData, Math.max(nx - 1, 1) * Math.max(ny - 1, 1) * Math.max(nz - 1, 1));
    L.push('    </Piece>', '  </ImageData>');
  } else if (ds.kind === 'UnstructuredGrid') {
    const pd = ds.pointDim ?? 3;
    const n = ds.points.length / pd;
    const m = ds.cells.offsets.length;
    L.push('  <UnstructuredGrid>', `    <Piece NumberOfPoints="${n}" NumberOfCells="${m}">`);
    body.fields('      ', 'PointData', ds.pointData, n);
    body.fields('      ', 'CellData', ds.cellData, m);
    body.points('      ', ds.points, pd);
    body.cells('      ', 'Cells', ds.cells, n, ds.types);
    L.push('    </Piece>', '  </UnstructuredGrid>');
  } else if (ds.kind === 'PolyData') {
    const pd = ds.pointDim ?? 3;
    const n = ds.points.length / pd;
    const count = (c?: CellList) => (c ? c.offsets.length : 0);
    const total = count(ds.verts) + count(ds.lines) + count(ds.polys);
    L.push(
      '  <PolyData>',
      `    <Piece NumberOfPoints="${n}" NumberOfVerts="${count(ds.verts)}" NumberOfLines="${count(ds.lines)}" NumberOfStrips="0" NumberOfPolys="${count(ds.polys)}">`,
    );
    body.fields('      ', 'PointData', ds.pointData, n);
    // Cell data order in VTK is verts, lines, strips, polys.
    body.fields('      ', 'CellData', ds.cellData, total);
    body.points('      ', ds.points, pd);
    body.cells('      ', 'Verts', ds.verts ?? EMPTY, n);
    body.cells('      ', 'Lines', ds.lines ?? EMPTY, n);
    body.cells('      ', 'Strips', EMPTY, n);
    body.cells('      ', 'Polys', ds.polys ?? EMPTY, n);
    L.push('    </Piece>', '  </PolyData>');
  } else {
    throw new Error(`vtk writer: unknown dataset kind '${(ds as { kind: string }).kind}'`);
  }
  const enc = new TextEncoder();
  if (!binary) return enc.encode(L.join('\n') + '\n</VTKFile>\n');
  let headText = L.join('\n') + '\n  <AppendedData encoding="raw">\n   ';
  // Pad with spaces so the byte after '_' sits at a multiple of 8 (alignment for in-place views).
  const headLen = enc.encode(headText).length + 1;
  headText += ' '.repeat((8 - (headLen % 8)) % 8) + '_';
  const head = enc.encode(headText);
  const tail = enc.encode('\n  </AppendedData>\n</VTKFile>\n');
  let len = head.length + tail.length;
  for (const b of body.blocks) len += b.length;
  const out = new Uint8Array(len);
  out.set(head, 0);
  let off = head.length;
  for (const b of body.blocks) {
    out.set(b, off);
    off += b.length;
  }
  out.set(tail, off);
  return out;
}

const EXT: Record<VtkDataset['kind'], string> = { ImageData: '.vti', UnstructuredGrid: '.vtu', PolyData: '.vtp' };

/** Writes a dataset; the file extension must match its kind (.vti / .vtu / .vtp). Returns bytes written. */
export function writeVtk(path: string, ds: VtkDataset, options: VtkWriteOptions = {}): number {
  const ext = EXT[ds.kind];
  if (!path.toLowerCase().endsWith(ext)) throw new Error(`writeVtk: ${ds.kind} must be written to a '${ext}' file, got '${path}'`);
  const bytes = encodeVtk(ds, options);
  writeFileSync(path, bytes);
  return bytes.length;
}
