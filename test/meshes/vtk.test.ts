import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  type VtkDataset,
  type VtkReadDataset,
  type VtkWriteOptions,
  VTK_CELL,
  decodeVtk,
  encodeVtk,
  readPvd,
  readVtk,
  rectangle,
  triangulate,
  uniformCells,
  uniformGrid,
  unstructuredFromCells,
  writePvd,
  writeVtk,
} from '../../meshes/index.js';

const encodings: [string, VtkWriteOptions][] = [
  ['ascii', { format: 'ascii' }],
  ['binary UInt32', { format: 'binary', headerType: 'UInt32' }],
  ['binary UInt64', { format: 'binary', headerType: 'UInt64' }],
];

function field(n: number, comps: number, f: (i: number) => number): Float64Array {
  return Float64Array.from({ length: n * comps }, (_, i) => f(i));
}

function expectArrays(got: VtkReadDataset, want: VtkDataset): void {
  for (const key of ['pointData', 'cellData'] as const) {
    const w = want[key] ?? [];
    expect(got[key].map((a) => a.name)).to.deep.equal(w.map((a) => a.name));
    w.forEach((a, i) => {
      const g = got[key][i];
      expect(g.components).to.equal(a.components ?? 1);
      const exact = a.type === 'Float32' ? Array.from(a.values, Math.fround) : Array.from(a.values);
      expect(Array.from(g.values)).to.deep.equal(exact);
    });
  }
}

describe('meshes/vtk', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fluxion-vtk-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [label, opts] of encodings) {
    it(`ImageData round trip (${label})`, () => {
      const g = uniformGrid({ min: [0, 0, 0], max: [1, 2, 0.5] }, [4, 3, 2]);
      const ds: VtkDataset = {
        kind: 'ImageData',
        dims: [4, 3, 2],
        origin: [0, 0, 0],
        spacing: [g.spacing[0], g.spacing[1], g.spacing[2]],
        pointData: [
          { name: 'u', values: field(24, 1, (i) => Math.sin(i) / 3) },
          { name: 'vel', values: Float32Array.from(field(24, 3, (i) => i * 0.1)), components: 3 },
          { name: 'id', values: Int32Array.from({ length: 24 }, (_, i) => i - 5) },
        ],
        cellData: [{ name: 'c', values: field(6, 1, (i) => i * i), type: 'Float64' }],
      };
      const path = join(dir, `img-${label.replace(' ', '_')}.vti`);
      writeVtk(path, ds, opts);
      const back = readVtk(path);
      expect(back.kind).to.equal('ImageData');
      if (back.kind !== 'ImageData') return;
      expect(back.dims).to.deep.equal([4, 3, 2]);
      expect(back.spacing).to.deep.equal([1 / 3, 1, 0.5]);
      expectArrays(back, ds);
      expect(back.pointData[1].type).to.equal('Float32');
      expect(back.pointData[2].type).to.equal('Int32');
    });

    it(`UnstructuredGrid round trip with triangles, tets, lines and vertices (${label})`, () => {
      const pts = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1];
      const ds: VtkDataset = {
        kind: 'UnstructuredGrid',
        points: pts,
        cells: { connectivity: [0, 1, 2, 0, 1, 2, 3, 3, 4, 4], offsets: [3, 7, 9, 10] },
        types: [VTK_CELL.TRIANGLE, VTK_CELL.TETRA, VTK_CELL.LINE, VTK_CELL.VERTEX],
        pointData: [{ name: 'T', values: [1, 2, 3, 4, 5.5] }],
        cellData: [
          { name: 'mat', values: Int32Array.from([7, 8, 9, 10]) },
          { name: 'g', values: field(4, 2, (i) => -i / 7), components: 2 },
        ],
      };
      const path = join(dir, `ug-${label.replace(' ', '_')}.vtu`);
      writeVtk(path, ds, opts);
      const back = readVtk(path);
      if (back.kind !== 'UnstructuredGrid') throw new Error('kind');
      expect(Array.from(back.points)).to.deep.equal(pts);
      expect(Array.from(back.cells.connectivity)).to.deep.equal([0, 1, 2, 0, 1, 2, 3, 3, 4, 4]);
      expect(Array.from(back.cells.offsets)).to.deep.equal([3, 7, 9, 10]);
      expect(Array.from(back.types)).to.deep.equal([5, 10, 3, 1]);
      expectArrays(back, ds);
    });

    it(`PolyData round trip with verts, spring lines and polys (${label})`, () => {
      const pts2d = [0, 0, 1, 0, 1, 1, 0, 1];
      const ds: VtkDataset = {
        kind: 'PolyData',
        points: pts2d,
        pointDim: 2,
        verts: uniformCells([0, 1, 2, 3], 1),
        lines: uniformCells([0, 1, 1, 2, 2, 3, 3, 0, 0, 2], 2),
        polys: { connectivity: [0, 1, 2, 3], offsets: [4] },
        pointData: [{ name: 'mass', values: [1, 1, 2, 2] }],
        cellData: [{ name: 'stiffness', values: field(10, 1, (i) => 100 + i) }],
      };
      const path = join(dir, `pd-${label.replace(' ', '_')}.vtp`);
      writeVtk(path, ds, opts);
      const back = readVtk(path);
      if (back.kind !== 'PolyData') throw new Error('kind');
      expect(Array.from(back.points)).to.deep.equal([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
      expect(Array.from(back.lines!.connectivity)).to.deep.equal([0, 1, 1, 2, 2, 3, 3, 0, 0, 2]);
      expect(Array.from(back.verts!.offsets)).to.deep.equal([1, 2, 3, 4]);
      expect(Array.from(back.polys!.offsets)).to.deep.equal([4]);
      expectArrays(back, ds);
    });
  }

  it('binary files hold the values as raw little-endian bytes (size check) and a mesh from delaunator writes', () => {
    const pts = rectangle([0, 0], [1, 1]).sampleInterior(50, 'halton', 0);
    const mesh = triangulate(pts);
    const ds = {
      ...unstructuredFromCells(pts.data, 2, mesh.triangles, VTK_CELL.TRIANGLE, 3),
      pointData: [{ name: 'x', values: Float32Array.from({ length: 50 }, (_, i) => pts.data[2 * i]) }],
    };
    const bin = encodeVtk(ds, { headerType: 'UInt32' });
    const nTri = mesh.triangles.length / 3;
    const payload = 50 * 3 * 8 + nTri * 3 * 4 + nTri * 4 + nTri + 50 * 4 + 5 * 4;
    const text = new TextDecoder('latin1').decode(bin);
    const xmlLen = text.indexOf('_', text.indexOf('<AppendedData')) + 1;
    expect(bin.length - xmlLen).to.be.within(payload, payload + 40 + 7 * 7);
    // Every appended array's data starts 8-byte aligned in the file (vtk.js views it in place).
    expect(xmlLen % 8).to.equal(0);
    for (const m of text.matchAll(/offset="(\d+)"/g)) expect((xmlLen + Number(m[1]) + 4) % 8).to.equal(0);
    const back = decodeVtk(bin);
    if (back.kind !== 'UnstructuredGrid') throw new Error('kind');
    expect(back.cells.connectivity.length).to.equal(mesh.triangles.length);
  });

  it('reads ParaView-style zlib-compressed appended raw data and inline base64 binary', () => {
    const vals = Float64Array.from({ length: 1000 }, (_, i) => Math.cos(i));
    const raw = new Uint8Array(vals.buffer);
    const blockSize = 4096;
    const blocks: Buffer[] = [];
    for (let o = 0; o < raw.length; o += blockSize) blocks.push(deflateSync(raw.subarray(o, o + blockSize)));
    const head = new BigUint64Array([
      BigInt(blocks.length),
      BigInt(blockSize),
      BigInt(raw.length % blockSize),
      ...blocks.map((b) => BigInt(b.length)),
    ]);
    const xml = `<?xml version="1.0"?>\n<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64" compressor="vtkZLibDataCompressor">
  <ImageData WholeExtent="0 999 0 0 0 0" Origin="0 0 0" Spacing="1 1 1"><Piece Extent="0 999 0 0 0 0"><PointData>
  <DataArray type="Float64" Name="c" format="appended" offset="0"/></PointData></Piece></ImageData>
  <AppendedData encoding="raw">\n _`;
    const bytes = Buffer.concat([Buffer.from(xml), Buffer.from(head.buffer), ...blocks, Buffer.from('\n</AppendedData></VTKFile>')]);
    const back = decodeVtk(bytes, 'compressed.vti');
    expect(Array.from(back.pointData[0].values)).to.deep.equal(Array.from(vals));

    const small = Float32Array.from([1.5, -2, 3.25]);
    const b64 = Buffer.concat([Buffer.from(new Uint32Array([12]).buffer), Buffer.from(small.buffer)]).toString('base64');
    const inline = `<VTKFile type="ImageData" version="0.1" byte_order="LittleEndian"><ImageData WholeExtent="2 4 0 0 0 0" Origin="0 0 0" Spacing="0.5 1 1"><Piece Extent="2 4 0 0 0 0">
      <PointData><DataArray type="Float32" Name="s" format="binary">\n${b64}\n</DataArray></PointData></Piece></ImageData></VTKFile>`;
    const b2 = decodeVtk(new TextEncoder().encode(inline), 'inline.vti');
    if (b2.kind !== 'ImageData') throw new Error('kind');
    expect(Array.from(b2.pointData[0].values)).to.deep.equal([1.5, -2, 3.25]);
    expect(b2.origin).to.deep.equal([1, 0, 0]);
  });

  it('reads appended base64 data, uncompressed (joint header+data) and zlib (header encoded separately)', () => {
    const a = Float64Array.from([0.25, -1, 3e-9, 7]);
    const b = Int32Array.from([5, 6, 7]);
    const joint = (arr: Float64Array | Int32Array) =>
      Buffer.concat([Buffer.from(new Uint32Array([arr.byteLength]).buffer), Buffer.from(arr.buffer)]).toString('base64');
    const zipped = (arr: Float64Array | Int32Array) => {
      const z = deflateSync(Buffer.from(arr.buffer));
      const head = Buffer.from(new Uint32Array([1, arr.byteLength, arr.byteLength, z.length]).buffer).toString('base64');
      return head + z.toString('base64');
    };
    for (const [label, enc, comp] of [
      ['plain', joint, ''],
      ['zlib', zipped, ' compressor="vtkZLibDataCompressor"'],
    ] as const) {
      const sa = enc(a);
      const sb = enc(b);
      const xml = `<VTKFile type="UnstructuredGrid" version="0.1" byte_order="LittleEndian"${comp}><UnstructuredGrid><Piece NumberOfPoints="1" NumberOfCells="1">
        <PointData><DataArray type="Float64" Name="a" NumberOfComponents="4" format="appended" offset="0"/></PointData>
        <Points><DataArray type="Float64" NumberOfComponents="3" format="ascii">1 2 3</DataArray></Points>
        <Cells><DataArray type="Int32" Name="connectivity" format="ascii">0</DataArray><DataArray type="Int32" Name="offsets" format="ascii">1</DataArray>
        <DataArray type="Int32" Name="types" format="appended" offset="${sa.length}"/></Cells></Piece></UnstructuredGrid>
        <AppendedData encoding="base64">\n   _${sa}${sb}\n</AppendedData></VTKFile>`;
      const back = decodeVtk(new TextEncoder().encode(xml), `${label}.vtu`);
      if (back.kind !== 'UnstructuredGrid') throw new Error('kind');
      expect(Array.from(back.pointData[0].values), label).to.deep.equal(Array.from(a));
      expect(Array.from(back.types), label).to.deep.equal([5, 6, 7]);
    }
  });

  it('writes and reads a .pvd time series', () => {
    const frames = [0, 0.5, 1].map((t, i) => ({ time: t, file: `frame_${i}.vti` }));
    const path = join(dir, 'series.pvd');
    writePvd(path, frames);
    expect(readPvd(path)).to.deep.equal(frames.map((f) => ({ ...f, part: 0 })));
    expect(readFileSync(path, 'utf8')).to.contain('type="Collection"');
  });

  it('rejects bad input with messages naming the problem', () => {
    const base = {
      kind: 'UnstructuredGrid' as const,
      points: [0, 0, 0, 1, 0, 0],
      cells: { connectivity: [0, 2], offsets: [2] },
      types: [3],
    };
    expect(() => encodeVtk(base)).to.throw(/connectivity\[1\]=2 is not a point index/);
    expect(() => encodeVtk({ ...base, cells: { connectivity: [0, 1], offsets: [2] }, pointData: [{ name: 'u', values: [1] }] })).to.throw(
      /'u': expected 2 tuples/,
    );
    expect(() => writeVtk(join(dir, 'x.vti'), { ...base, cells: { connectivity: [0, 1], offsets: [2] } })).to.throw(
      /must be written to a '.vtu' file/,
    );
    expect(() => readVtk(join(dir, 'missing.vtu'))).to.throw(/missing\.vtu/);
    expect(() => decodeVtk(new TextEncoder().encode('<VTKFile type="ImageData"><ImageData></VTKFile>'), 'bad.vti')).to.throw(
      /bad\.vti: malformed XML/,
    );
    expect(() => decodeVtk(new TextEncoder().encode('<foo/>'), 'f.vtu')).to.throw(/not a VTK XML file/);
  });
});

describe('meshes/vtk builders', () => {
  it('imageDataFromGrid and polyDataFromParticles produce readable datasets', async () => {
    const { imageDataFromGrid, polyDataFromParticles } = await import('../../meshes/index.js');
    const g = uniformGrid({ min: [0, -1], max: [2, 1] }, [5, 3]);
    const u = Float64Array.from({ length: 15 }, (_, i) => g.points.data[2 * i] * g.points.data[2 * i + 1]);
    const img = decodeVtk(encodeVtk(imageDataFromGrid(g, [{ name: 'xy', values: u }])));
    if (img.kind !== 'ImageData') throw new Error('kind');
    expect(img.dims).to.deep.equal([5, 3, 1]);
    expect(img.origin).to.deep.equal([0, -1, 0]);
    expect(img.spacing).to.deep.equal([0.5, 1, 1]);
    expect(Array.from(img.pointData[0].values)).to.deep.equal(Array.from(u));
    const pd = decodeVtk(
      encodeVtk(
        polyDataFromParticles(
          { data: Float64Array.from([0, 0, 1, 0, 0, 1]), dim: 2 },
          [0, 1, 1, 2],
          [],
          [{ name: 'k', values: [0, 0, 0, 5, 6] }],
        ),
        { format: 'ascii' },
      ),
    );
    if (pd.kind !== 'PolyData') throw new Error('kind');
    expect(Array.from(pd.lines!.connectivity)).to.deep.equal([0, 1, 1, 2]);
    expect(Array.from(pd.cellData[0].values)).to.deep.equal([0, 0, 0, 5, 6]);
  });
});
