import { expect } from 'chai';
import {
  type Geometry,
  type Points,
  box,
  difference,
  disk,
  hypercube,
  hypersphere,
  intersection,
  interval,
  pointCount,
  polygon,
  rectangle,
  sphere,
  timeDomain,
  union,
  unionAll,
} from '../../meshes/index.js';

const P = (rows: number[][]): Points => ({ data: Float64Array.from(rows.flat()), dim: rows[0].length });

function holes(): Geometry {
  const r = 0.1;
  return difference(
    rectangle([-0.5, -0.5], [0.5, 0.5]),
    unionAll([disk([0.3, 0.3], r), disk([-0.3, 0.3], r), disk([0.3, -0.3], r), disk([-0.3, -0.3], r)]),
  );
}

const cases: [string, () => Geometry][] = [
  ['interval', () => interval(-1, 2)],
  ['rectangle', () => rectangle([0, 0], [2, 1])],
  ['box', () => box([0, 0, 0], [1, 2, 3])],
  ['hypercube5', () => hypercube([0, 0, 0, 0, 0], [1, 1, 1, 1, 1])],
  ['disk', () => disk([1, -1], 0.5)],
  ['sphere', () => sphere([0, 0, 0], 2)],
  ['hypersphere4', () => hypersphere([0, 0, 0, 0], 1)],
  [
    'L polygon',
    () =>
      polygon([
        [0, 0],
        [2, 0],
        [2, 1],
        [1, 1],
        [1, 2],
        [0, 2],
      ]),
  ],
  ['rect minus 4 disks', holes],
  ['union of disks', () => union(disk([0, 0], 1), disk([1.5, 0], 1))],
  ['intersection disk/rect', () => intersection(disk([0, 0], 1), rectangle([0, -2], [2, 2]))],
];

describe('meshes/geometry', () => {
  for (const [name, make] of cases) {
    for (const sampler of ['uniform', 'sobol'] as const) {
      it(`${name} (${sampler}): samples are inside/on the boundary, normals are outward unit vectors`, () => {
        const g = make();
        const inner = g.sampleInterior(200, sampler, 3);
        expect(pointCount(inner)).to.equal(200);
        expect(g.inside(inner).every((v) => v === 1)).to.equal(true);
        const { points, normals } = g.sampleBoundary(100, sampler, 4);
        expect(pointCount(points)).to.equal(100);
        expect(g.onBoundary(points, 1e-9).every((v) => v === 1)).to.equal(true);
        const d = g.dim;
        const eps = 1e-4;
        const outP = new Float64Array(points.data.length);
        const inP = new Float64Array(points.data.length);
        const bn = g.boundaryNormal(points);
        let agree = 0;
        for (let i = 0; i < 100; i++) {
          let len = 0;
          let dot = 0;
          for (let k = 0; k < d; k++) {
            const nv = normals.data[i * d + k];
            len += nv * nv;
            dot += nv * bn.data[i * d + k];
            outP[i * d + k] = points.data[i * d + k] + eps * nv;
            inP[i * d + k] = points.data[i * d + k] - eps * nv;
          }
          expect(Math.sqrt(len)).to.be.closeTo(1, 1e-12);
          if (dot > 1 - 1e-9) agree++;
        }
        // Corners may legitimately average normals; nearly all points sit on smooth pieces.
        expect(agree).to.be.at.least(97);
        const outside = g.inside({ data: outP, dim: d }).reduce((s, v) => s + v, 0);
        const insideCount = g.inside({ data: inP, dim: d }).reduce((s, v) => s + v, 0);
        expect(outside).to.be.at.most(2);
        expect(insideCount).to.be.at.least(98);
        // The SDF is ~0 on the boundary and negative at interior samples.
        expect(Math.max(...Array.from(g.sdf(points), Math.abs))).to.be.lessThan(1e-9);
        expect(g.sdf(inner).every((v) => v <= 1e-12)).to.equal(true);
      });
    }
  }

  it('hypercube: exact sdf, corner normals, measure', () => {
    const g = rectangle([0, 0], [2, 1]);
    const sd = g.sdf(
      P([
        [1, 0.5],
        [3, 0.5],
        [3, 2],
        [0.2, 0.5],
      ]),
    );
    [-0.5, 1, Math.SQRT2, -0.2].forEach((v, i) => expect(sd[i]).to.be.closeTo(v, 1e-15));
    const n = g.boundaryNormal(
      P([
        [2, 1],
        [1, 0],
      ]),
    ).data;
    expect(n[0]).to.be.closeTo(Math.SQRT1_2, 1e-15);
    expect(n[1]).to.be.closeTo(Math.SQRT1_2, 1e-15);
    expect([n[2], n[3]]).to.deep.equal([0, -1]);
    expect(g.boundaryMeasure()).to.equal(6);
    expect(box([0, 0, 0], [1, 2, 3]).boundaryMeasure()).to.equal(22);
    const b = interval(-1, 2).sampleBoundary(10, 'uniform', 1);
    for (let i = 0; i < 10; i++) expect(b.normals.data[i]).to.equal(b.points.data[i] === -1 ? -1 : 1);
    expect(() => rectangle([0, 0], [0, 1])).to.throw(/max\[0\]=0 must exceed min\[0\]=0/);
  });

  it('rectangle boundary samples split between faces in proportion to their length', () => {
    const { points } = rectangle([0, 0], [3, 1]).sampleBoundary(800, 'halton', 0);
    let onHorizontal = 0;
    for (let i = 0; i < 800; i++) {
      const y = points.data[2 * i + 1];
      if (y === 0 || y === 1) onHorizontal++;
    }
    expect(onHorizontal / 800).to.be.closeTo(6 / 8, 0.01);
  });

  it('hypersphere: uniform in volume and exact surface measure', () => {
    const d = 5;
    const g = hypersphere(new Array(d).fill(0), 2);
    const pts = g.sampleInterior(4000, 'uniform', 1);
    const r = g.sdf(pts).map((v) => v + 2);
    const half = 2 * 0.5 ** (1 / d);
    expect(r.filter((v) => v <= half).length / 4000).to.be.closeTo(0.5, 0.03);
    let mean = 0;
    for (let i = 0; i < pts.data.length; i++) mean += pts.data[i] / pts.data.length;
    expect(mean).to.be.closeTo(0, 0.02);
    expect(sphere([0, 0, 0], 2).boundaryMeasure()).to.be.closeTo(16 * Math.PI, 1e-12);
    expect(disk([0, 0], 2).boundaryMeasure()).to.be.closeTo(4 * Math.PI, 1e-12);
    expect(hypersphere([0, 0, 0, 0], 1).boundaryMeasure()).to.be.closeTo(2 * Math.PI * Math.PI, 1e-12);
    // Area fraction of a disk inside r/2 is 1/4 for uniform samples (QMC too).
    const dp = disk([0, 0], 1).sampleInterior(1024, 'sobol', 0);
    expect(
      disk([0, 0], 0.5)
        .inside(dp)
        .reduce((s, v) => s + v, 0) / 1024,
    ).to.be.closeTo(0.25, 0.01);
  });

  it('polygon: orientation, exact sdf, errors for bad vertices', () => {
    const cw = polygon([
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ]);
    const n = cw.boundaryNormal(
      P([
        [0.5, 0],
        [1, 0.5],
      ]),
    ).data;
    expect(Array.from(n).map((v) => v + 0)).to.deep.equal([0, -1, 1, 0]);
    const L = polygon([
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 1],
      [1, 2],
      [0, 2],
    ]);
    expect(
      Array.from(
        L.inside(
          P([
            [1.5, 1.5],
            [0.5, 1.5],
            [1.5, 0.5],
            [1, 1],
          ]),
        ),
      ),
    ).to.deep.equal([0, 1, 1, 1]);
    const sd = L.sdf(
      P([
        [1.5, 1.5],
        [0.5, 0.5],
        [3, 0.5],
      ]),
    );
    expect(sd[0]).to.be.closeTo(0.5, 1e-15);
    expect(sd[1]).to.be.closeTo(-0.5, 1e-15);
    expect(sd[2]).to.be.closeTo(1, 1e-15);
    expect(L.boundaryMeasure()).to.equal(8);
    expect(() =>
      polygon([
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 1],
      ]),
    ).to.throw(/edges \d and \d intersect; expected a simple polygon/);
    expect(() =>
      polygon([
        [0, 0],
        [1, 1],
      ]),
    ).to.throw(/at least 3/);
  });

  it('CSG: rectangle minus four disks has the right area, perimeter and hole normals', () => {
    const g = holes();
    const r = 0.1;
    const box01 = rectangle([-0.5, -0.5], [0.5, 0.5]).sampleInterior(20000, 'sobol', 0);
    const frac = g.inside(box01).reduce((s, v) => s + v, 0) / 20000;
    expect(frac).to.be.closeTo(1 - 4 * Math.PI * r * r, 0.005);
    const perimeter = 4 + 8 * Math.PI * r;
    expect(g.boundaryMeasure()).to.be.closeTo(perimeter, 0.05 * perimeter);
    const { points, normals } = g.sampleBoundary(2000, 'uniform', 9);
    let onHoles = 0;
    for (let i = 0; i < 2000; i++) {
      const x = points.data[2 * i],
        y = points.data[2 * i + 1];
      if (Math.abs(x) < 0.5 - 1e-12 && Math.abs(y) < 0.5 - 1e-12) {
        onHoles++;
        // Outward from the domain = towards the hole center.
        const cx = Math.sign(x) * 0.3,
          cy = Math.sign(y) * 0.3;
        expect(normals.data[2 * i] * (cx - x) + normals.data[2 * i + 1] * (cy - y)).to.be.closeTo(r, 1e-9);
      }
    }
    expect(onHoles / 2000).to.be.closeTo((8 * Math.PI * r) / perimeter, 0.04);
    expect(g.sdf(P([[0, 0]]))[0]).to.be.closeTo(-Math.hypot(0.3, 0.3) + r, 1e-12);
  });

  it('CSG union/intersection sdf is min/max and boundary excludes the overlap', () => {
    const u = union(disk([0, 0], 1), disk([1.5, 0], 1));
    expect(u.sdf(P([[0.75, 0]]))[0]).to.be.closeTo(-0.25, 1e-15);
    expect(u.sdf(P([[-2, 0]]))[0]).to.be.closeTo(1, 1e-15);
    // (1, 0) is on disk A's boundary but inside disk B: not on the union's boundary.
    expect(
      Array.from(
        u.onBoundary(
          P([
            [1, 0],
            [-1, 0],
            [2.5, 0],
          ]),
        ),
      ),
    ).to.deep.equal([0, 1, 1]);
    const i = intersection(disk([0, 0], 1), disk([1.5, 0], 1));
    expect(
      Array.from(
        i.inside(
          P([
            [0.75, 0],
            [0, 0],
          ]),
        ),
      ),
    ).to.deep.equal([1, 0]);
    expect(() => union(disk([0, 0], 1), sphere([0, 0, 0], 1))).to.throw(/same dimension/);
  });

  it('time domain product: lateral boundary, initial slice, zero time normal', () => {
    const g = timeDomain(disk([0, 0], 1), 0, 2);
    expect(g.dim).to.equal(3);
    const inner = g.sampleInterior(500, 'halton', 1);
    expect(g.inside(inner).every((v) => v === 1)).to.equal(true);
    let tMean = 0;
    for (let i = 0; i < 500; i++) tMean += inner.data[3 * i + 2] / 500;
    expect(tMean).to.be.closeTo(1, 0.01);
    const b = g.sampleBoundary(50, 'uniform', 2);
    expect(g.onBoundary(b.points).every((v) => v === 1)).to.equal(true);
    for (let i = 0; i < 50; i++) expect(b.normals.data[3 * i + 2]).to.equal(0);
    const init = g.sampleInitial(20, 'uniform', 3);
    expect(g.onInitial(init).every((v) => v === 1)).to.equal(true);
    const cube = timeDomain(interval(0, 1), 0, 1).sampleInterior(64, 'sobol', 0);
    expect(new Set(Array.from({ length: 64 }, (_, i) => cube.data[2 * i])).size).to.equal(64);
    expect(() => timeDomain(interval(0, 1), 1, 0)).to.throw(/t0 < t1/);
  });
});
