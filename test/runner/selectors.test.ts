import { expect } from 'chai';
import { boundarySelector } from '../../runner/pinnAdapter.js';
import { buildDomain, buildGeometry } from '../../runner/geometry.js';
import { loadPointSet } from '../../runner/reference.js';
import { encodeNpy, hypercube, readZip } from '../../meshes/index.js';
import { evaluationGrid } from '../../runner/outputs.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.js';

describe('runner: geometry, on: selectors and reference layouts', () => {
  const square = buildGeometry({ type: 'rectangle', min: [-1, 0], max: [1, 2] });

  it('face names pick the bounding-box faces; expressions use the coordinates and constants', () => {
    const left = boundarySelector('left', ['x', 'y'], {}, square, 'on')!;
    const top = boundarySelector('top', ['x', 'y'], {}, square, 'on')!;
    const expr = boundarySelector('x > a and y < 1', ['x', 'y'], { a: 0.5 }, square, 'on')!;
    expect(boundarySelector('boundary', ['x', 'y'], {}, square, 'on')).to.equal(undefined);
    expect([left(Float64Array.of(-1, 0.3)), left(Float64Array.of(1, 0.3))]).to.deep.equal([true, false]);
    expect([top(Float64Array.of(0.2, 2)), top(Float64Array.of(0.2, 0))]).to.deep.equal([true, false]);
    expect([expr(Float64Array.of(1, 0.5)), expr(Float64Array.of(0.2, 0.5)), expr(Float64Array.of(1, 1.5))]).to.deep.equal([
      true,
      false,
      false,
    ]);
    expect(() => boundarySelector('front', ['x', 'y'], {}, square, 'conditions[2].on')).to.throw(
      /conditions\[2\]\.on: face 'front' needs at least 3 coordinates/,
    );
  });

  it('CSG difference removes the hole; time adds the last axis', () => {
    const g = buildGeometry({
      type: 'difference',
      of: [
        { type: 'rectangle', min: [0, 0], max: [1, 1] },
        { type: 'disk', center: [0.5, 0.5], radius: 0.25 },
      ],
    });
    expect(Array.from(g.inside({ data: Float64Array.of(0.5, 0.5, 0.1, 0.1), dim: 2 }))).to.deep.equal([0, 1]);
    const st = buildDomain({ type: 'interval', min: -1, max: 1 }, [0, 2]);
    expect([st.dim, Array.from(st.bbox.max)]).to.deep.equal([2, [1, 2]]);
  });

  it('reference grids: meshgrid (t, x) layout and COMSOL-style time-stamped tables', () => {
    const dir = tempDir();
    // u[t_i, x_j] = 10 t_i + x_j on x = [0, 1, 2], t = [0, 0.5] (numpy meshgrid(x, t) layout), npz
    const x = Float64Array.of(0, 1, 2),
      t = Float64Array.of(0, 0.5);
    const u = Float64Array.from({ length: 6 }, (_, k) => 10 * t[Math.floor(k / 3)] + x[k % 3]);
    const npz = zipStore({ 'x.npy': encodeNpy(x, [1, 3]), 't.npy': encodeNpy(t, [1, 2]), 'u.npy': encodeNpy(u, [2, 3]) });
    writeFileSync(join(dir, 'ref.npz'), npz);
    expect(readZip(npz, 'ref.npz').map((e) => e.name)).to.deep.equal(['x.npy', 't.npy', 'u.npy']);
    const set = loadPointSet(join(dir, 'ref.npz'), ['x', 't'], ['u'], undefined, 'reference');
    for (let i = 0; i < 6; i++) expect(set.values.u[i]).to.equal(10 * set.points[2 * i + 1] + set.points[2 * i]);
    // time-stamped table: u columns at t = 0 and t = 1
    writeFileSync(join(dir, 'ref.dat'), '% X   u (1) @ t=0   u (1) @ t=1\n0 1 2\n0.5 3 4\n');
    const tab = loadPointSet(join(dir, 'ref.dat'), ['x', 't'], ['u'], undefined, 'reference');
    expect(Array.from(tab.points)).to.deep.equal([0, 0, 0, 1, 0.5, 0, 0.5, 1]);
    expect(Array.from(tab.values.u)).to.deep.equal([1, 2, 3, 4]);
  });
});

/** Minimal stored (uncompressed) zip writer for the .npz fixture. */
function zipStore(files: Record<string, Uint8Array>): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const v of b) c = crcTable[(c ^ v) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const parts: Buffer[] = [],
    central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nm = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt32LE(crc32(data), 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(nm.length, 26);
    parts.push(h, nm, Buffer.from(data));
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(nm.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, nm);
    offset += 30 + nm.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cd, end]));
}

describe('runner: evaluation grids', () => {
  it('a domain of more than 3 axes is written on the (first, second) axis plane through the box centre', () => {
    const g = evaluationGrid(hypercube([0, 0, 0, 0, -1], [1, 2, 1, 1, 1]), 3);
    expect(g.counts).to.deep.equal([3, 3]);
    expect(g.points.length).to.equal(9 * 5);
    // first axis fastest (VTK ImageData order); the other three coordinates at the centre (0.5, 0.5, 0)
    expect(Array.from(g.points.subarray(5, 10))).to.deep.equal([0.5, 0, 0.5, 0.5, 0]);
    expect(Array.from(g.points.subarray(40, 45))).to.deep.equal([1, 2, 0.5, 0.5, 0]);
    expect(Array.from(g.inside)).to.deep.equal(new Array(9).fill(1));
  });
});
