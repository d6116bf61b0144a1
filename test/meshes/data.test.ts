import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { encodeNpy, encodeVtk, getArray, loadReference, parseMat, parseNpy, parseTable } from '../../meshes/index.js';
import { DATA_DIR } from '../../pinn/problems.js';

// the reference data that ships with the package (data/, sources in data/README.md)
const DATA = DATA_DIR;

// ---- tiny MATLAB v5 fixture generator (hand-built bytes; scipy is not available) ----
function pad8(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
}
function element(type: number, payload: Buffer): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(type, 0);
  tag.writeUInt32LE(payload.length, 4);
  return Buffer.concat([tag, pad8(payload)]);
}
function smallElement(type: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE((payload.length << 16) | type, 0);
  payload.copy(b, 4);
  return b;
}
/** miMATRIX with class `cls`; `colMajor` are the values in MATLAB (column-major) order. */
function matMatrix(
  name: string,
  dims: number[],
  colMajor: number[],
  opts: { cls?: number; miType?: number; imag?: number[] } = {},
): Buffer {
  const cls = opts.cls ?? 6;
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(cls | (opts.imag ? 0x0800 : 0), 0);
  const dimBuf = Buffer.from(new Int32Array(dims).buffer);
  const nameBuf = Buffer.from(name, 'latin1');
  const encode = (v: number[]) => {
    const mi = opts.miType ?? 9;
    const arr = mi === 9 ? new Float64Array(v) : mi === 7 ? new Float32Array(v) : mi === 5 ? new Int32Array(v) : new Uint8Array(v);
    return element(mi, Buffer.from(arr.buffer));
  };
  const parts = [
    element(6, flags),
    element(5, dimBuf),
    nameBuf.length <= 4 ? smallElement(1, nameBuf) : element(1, nameBuf),
    encode(colMajor),
  ];
  if (opts.imag) parts.push(encode(opts.imag));
  return element(14, Buffer.concat(parts));
}
function matFile(elements: Buffer[]): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, Platform: fluxion-test', 0, 'latin1');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  return Buffer.concat([header, ...elements]);
}
function compressed(el: Buffer): Buffer {
  const z = deflateSync(el);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(15, 0);
  tag.writeUInt32LE(z.length, 4);
  return Buffer.concat([tag, z]);
}

// ---- tiny zip writer for npz fixtures (stored or deflated) ----
function zip(files: { name: string; data: Uint8Array; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const body = f.deflate ? deflateRawSync(f.data) : Buffer.from(f.data);
    const name = Buffer.from(f.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(f.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc32(f.data), 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(f.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(f.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc32(f.data), 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(f.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    central.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('meshes/data', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fluxion-data-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('COMSOL burgers1d.dat: time-stamped columns become u[x, t]; u(x, 0) = -sin(pi x)', () => {
    const r = loadReference(join(DATA, 'burgers1d.dat'));
    expect(r.names).to.deep.equal(['X', 'u', 't']);
    expect(getArray(r, 'u').shape).to.deep.equal([101, 11]);
    expect(Array.from(r.times!)).to.deep.equal([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(r.meta!.Nodes).to.equal('101');
    const x = getArray(r, 'X').data;
    const u = getArray(r, 'u').data;
    let maxErr = 0;
    for (let i = 0; i < 101; i++) maxErr = Math.max(maxErr, Math.abs(u[i * 11] + Math.sin(Math.PI * x[i])));
    expect(maxErr).to.be.lessThan(1e-5); // COMSOL's interpolated initial condition
    // Dirichlet u(+-1, t) = 0 at every time.
    for (let k = 0; k < 11; k++) {
      expect(u[k]).to.equal(0);
      expect(Math.abs(u[100 * 11 + k])).to.be.lessThan(1e-12);
    }
    expect(() => getArray(r, 'v')).to.throw(/no array named 'v'; available: X, u, t/);
  });

  it('COMSOL Poisson tables: x, y, u columns; u = 1 on the outer square of poisson1', () => {
    const r = loadReference(join(DATA, 'poisson1_cg_data.dat'));
    expect(r.names).to.deep.equal(['X', 'Y', 'u']);
    const [x, y, u] = ['X', 'Y', 'u'].map((n) => getArray(r, n).data);
    expect(x.length).to.equal(1246);
    let outer = 0;
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(Math.abs(x[i]) - 0.5) < 1e-12 || Math.abs(Math.abs(y[i]) - 0.5) < 1e-12) {
        outer++;
        expect(u[i]).to.be.closeTo(1, 1e-9);
      }
    }
    expect(outer).to.be.greaterThan(20);
    expect(getArray(loadReference(join(DATA, 'poisson_boltzmann2d.dat')), 'u').shape).to.deep.equal([3236]);
  });

  it('npz: reaction.npz and stokes.npz load with their shapes', () => {
    const r = loadReference(join(DATA, 'reaction.npz'));
    expect(r.names).to.have.members(['t', 'x', 'Ca', 'Cb']);
    expect(getArray(r, 'Ca').shape).to.deep.equal([201, 201]);
    const x = getArray(r, 'x').data;
    const t = getArray(r, 't').data;
    expect([x[0], x[200], t[0], t[200]]).to.deep.equal([0, 1, 0, 10]);
    // Ca is stored Fortran-ordered; values below were printed by NumPy (rounded to 7 digits).
    const ca = getArray(r, 'Ca').data;
    [1, 0.9271455, 0.8561764].forEach((v, j) => expect(ca[3 * 201 + j]).to.be.closeTo(v, 1e-7));
    [0.7408182, 0.7614088, 0.7765974].forEach((v, i) => expect(ca[i * 201 + 3]).to.be.closeTo(v, 1e-7));
    const s = loadReference(join(DATA, 'stokes.npz'));
    [-0.04568766, 0.00219647, -0.00013222].forEach((v, k) => expect(getArray(s, 'arr_0').data[5000 * 3 + k]).to.be.closeTo(v, 1e-8));
    expect(getArray(s, 'arr_0').shape).to.deep.equal([10201, 3]);
    expect(getArray(s, 'arr_0').data.every(Number.isFinite)).to.equal(true);
  });

  it('reads an npz written by numpy.savez_compressed (Fortran f4, big-endian i8, bool, 0-d)', () => {
    // fixtures/numpy_compressed.npz: a = asfortranarray(arange(12, f4).reshape(3, 4) / 8),
    // b = [[1, -2], [3, -4]] as '>i8', c = [True, False, True], scalar = float64(2.5).
    const r = loadReference(join(import.meta.dirname, 'fixtures', 'numpy_compressed.npz'));
    expect(r.names).to.deep.equal(['a', 'b', 'c', 'scalar']);
    expect(getArray(r, 'a').shape).to.deep.equal([3, 4]);
    expect(Array.from(getArray(r, 'a').data)).to.deep.equal(Array.from({ length: 12 }, (_, i) => i / 8));
    expect(Array.from(getArray(r, 'b').data)).to.deep.equal([1, -2, 3, -4]);
    expect(Array.from(getArray(r, 'c').data)).to.deep.equal([1, 0, 1]);
    expect(getArray(r, 'scalar').shape).to.deep.equal([]);
    expect(Array.from(getArray(r, 'scalar').data)).to.deep.equal([2.5]);
  });

  it('npy: dtypes, Fortran order, and a deflated npz written here', () => {
    const data = Float64Array.from({ length: 6 }, (_, i) => i + 0.5);
    expect(Array.from(parseNpy(encodeNpy(data, [2, 3]), 'a.npy').data)).to.deep.equal(Array.from(data));
    // Fortran-ordered int32 2x3 [[1,2,3],[4,5,6]] is stored column-major: 1 4 2 5 3 6.
    let header = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }";
    header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const fb = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]),
      Buffer.from(new Uint16Array([header.length]).buffer),
      Buffer.from(header, 'latin1'),
      Buffer.from(new Int32Array([1, 4, 2, 5, 3, 6]).buffer),
    ]);
    const f = parseNpy(fb, 'f.npy');
    expect(Array.from(f.data)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(f.dtype).to.equal('<i4');
    const path = join(dir, 'fx.npz');
    writeFileSync(
      path,
      zip([
        { name: 'a.npy', data: encodeNpy(data, [6]), deflate: true },
        { name: 'b.npy', data: fb, deflate: false },
      ]),
    );
    const r = loadReference(path);
    expect(r.names).to.deep.equal(['a', 'b']);
    expect(Array.from(getArray(r, 'a').data)).to.deep.equal(Array.from(data));
    expect(getArray(r, 'b').shape).to.deep.equal([2, 3]);
    expect(() => parseNpy(fb.subarray(0, fb.length - 4), 'short.npy')).to.throw(/short\.npy: data truncated/);
  });

  it('MATLAB v5: plain and miCOMPRESSED doubles, int32 and complex matrices; non-numeric skipped', () => {
    // A = [1 2 3; 4 5 6] column-major: 1 4 2 5 3 6.
    const bytes = matFile([
      matMatrix('A', [2, 3], [1, 4, 2, 5, 3, 6]),
      compressed(matMatrix('velocity', [3, 1], [0.5, -1.5, 2.25])),
      compressed(matMatrix('K', [2, 2], [1, 3, 2, 4], { cls: 12, miType: 5 })),
      matMatrix('z', [1, 2], [1, 2], { imag: [-1, -2] }),
      matMatrix('s', [1, 2], [104, 105], { cls: 4, miType: 2 }),
    ]);
    const m = parseMat(bytes, 'fx.mat');
    expect(m.names).to.deep.equal(['A', 'velocity', 'K', 'z', 'z_imag']);
    expect(m.skipped).to.deep.equal(['s']);
    expect(Array.from(m.arrays.A.data)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(m.arrays.A.shape).to.deep.equal([2, 3]);
    expect(Array.from(m.arrays.velocity.data)).to.deep.equal([0.5, -1.5, 2.25]);
    expect(Array.from(m.arrays.K.data)).to.deep.equal([1, 2, 3, 4]);
    expect(Array.from(m.arrays.z_imag.data)).to.deep.equal([-1, -2]);
    const path = join(dir, 'fx.mat');
    writeFileSync(path, bytes);
    expect(loadReference(path).format).to.equal('mat');
    const broken = Buffer.from(bytes);
    broken.write('garbage', 136);
    expect(() => parseMat(broken, 'broken.mat')).to.throw(/broken\.mat: malformed small data element at byte 136/);
    expect(() => parseMat(Buffer.from('MATLAB 7.3 MAT-file'.padEnd(128)), 'h5.mat')).to.throw(/v7\.3 \(HDF5\)/);
  });

  it('VTK files load as reference fields with coordinates', () => {
    const path = join(dir, 'ref.vti');
    const u = Float64Array.from({ length: 12 }, (_, i) => i * i);
    writeFileSync(
      path,
      encodeVtk({ kind: 'ImageData', dims: [4, 3, 1], origin: [0, 1, 0], spacing: [0.5, 0.25, 1], pointData: [{ name: 'u', values: u }] }),
    );
    const r = loadReference(path);
    expect(r.names).to.deep.equal(['x', 'y', 'z', 'u']);
    expect(Array.from(getArray(r, 'x').data.slice(0, 5))).to.deep.equal([0, 0.5, 1, 1.5, 0]);
    expect(getArray(r, 'y').data[4]).to.equal(1.25);
    expect(Array.from(getArray(r, 'u').data)).to.deep.equal(Array.from(u));
    const vtu = join(dir, 'ref.vtu');
    writeFileSync(
      vtu,
      encodeVtk(
        {
          kind: 'UnstructuredGrid',
          points: [0, 0, 1, 0, 0, 1],
          pointDim: 2,
          cells: { connectivity: [0, 1, 2], offsets: [3] },
          types: [5],
          pointData: [{ name: 'v', values: [1, 2, 3, 4, 5, 6], components: 2 }],
          cellData: [{ name: 'v', values: [9] }],
        },
        { format: 'ascii' },
      ),
    );
    const rv = loadReference(vtu);
    expect(rv.names).to.deep.equal(['x', 'y', 'z', 'v', 'cell:v']);
    expect(getArray(rv, 'v').shape).to.deep.equal([3, 2]);
  });

  it('clear errors for missing, unsupported and malformed files', () => {
    expect(() => loadReference(join(dir, 'nope.dat'))).to.throw(/cannot read '.*nope\.dat': file does not exist/);
    expect(() => loadReference(join(dir, 'x.h5'))).to.throw(/'.*x\.h5' has an unsupported extension/);
    const bad = join(dir, 'bad.dat');
    writeFileSync(bad, '% X  u\n1 2\n3\n');
    expect(() => loadReference(bad)).to.throw(/bad\.dat: line 3 has 1 values, expected 2/);
    writeFileSync(join(dir, 'bad.npz'), 'not a zip at all');
    expect(() => loadReference(join(dir, 'bad.npz'))).to.throw(/bad\.npz: not a zip archive/);
    expect(() => parseTable('% only comments\n', 'empty.txt')).to.throw(/empty\.txt: no numeric data rows/);
    const csv = parseTable('x,y\n1,2\n3,4\n', 'p.csv');
    expect(csv.names).to.deep.equal(['x', 'y']);
    expect(Array.from(csv.arrays.y.data)).to.deep.equal([2, 4]);
  });
});
