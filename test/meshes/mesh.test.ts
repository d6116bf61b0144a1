import { expect } from 'chai';
import {
  P1Interpolator,
  boundaryEdges,
  difference,
  disk,
  gridIndex,
  pointCount,
  rarDProbabilities,
  rarDSelect,
  rarSelect,
  rectangle,
  triangleAreas,
  triangulate,
  uniformGrid,
  concatPoints,
} from '../../meshes/index.js';

describe('meshes/grid, trimesh, rar', () => {
  it('uniformGrid: VTK order (x fastest), spacing and index helper', () => {
    const g = uniformGrid({ min: [0, 10, -1], max: [1, 12, 1] }, [3, 2, 2]);
    expect(Array.from(g.spacing)).to.deep.equal([0.5, 2, 2]);
    expect(pointCount(g.points)).to.equal(12);
    expect(Array.from(g.points.data.slice(0, 12))).to.deep.equal([0, 10, -1, 0.5, 10, -1, 1, 10, -1, 0, 12, -1]);
    const i = gridIndex(g.counts, [1, 1, 1]);
    expect(Array.from(g.points.data.slice(3 * i, 3 * i + 3))).to.deep.equal([0.5, 12, 1]);
    expect(() => uniformGrid({ min: [0], max: [1] }, [0])).to.throw(/counts\[0\]: expected a positive integer/);
  });

  it('triangulation of a square grid: areas sum to the area, boundary edges form the perimeter', () => {
    const g = uniformGrid({ min: [0, 0], max: [2, 1] }, [5, 3]);
    const mesh = triangulate(g.points);
    const areas = triangleAreas(mesh);
    expect(areas.every((a) => a > 0)).to.equal(true);
    expect(areas.reduce((s, a) => s + a, 0)).to.be.closeTo(2, 1e-12);
    const edges = boundaryEdges(mesh);
    let len = 0;
    for (let e = 0; e < edges.length; e += 2) {
      const a = edges[e],
        b = edges[e + 1];
      len += Math.hypot(g.points.data[2 * b] - g.points.data[2 * a], g.points.data[2 * b + 1] - g.points.data[2 * a + 1]);
    }
    expect(edges.length / 2).to.equal(12);
    expect(len).to.be.closeTo(6, 1e-12);
  });

  it('domain-aware triangulation leaves the hole empty; P1 reproduces linear fields and is second order', () => {
    const dom = difference(rectangle([-1, -1], [1, 1]), disk([0, 0], 0.4));
    const hole = disk([0, 0], 0.4).sampleBoundary(60, 'uniform', 1).points;
    const outer = rectangle([-1, -1], [1, 1]).sampleBoundary(80, 'halton', 0).points;
    const pts = concatPoints(
      [dom.sampleInterior(600, 'sobol', 0), hole, outer, { data: Float64Array.from([-1, -1, 1, -1, 1, 1, -1, 1]), dim: 2 }],
      2,
    );
    const mesh = triangulate(pts, dom);
    const area = triangleAreas(mesh).reduce((s, a) => s + a, 0);
    expect(area).to.be.closeTo(4 - Math.PI * 0.16, 0.02);
    const n = pointCount(pts);
    const lin = Float64Array.from({ length: n }, (_, i) => 2 * pts.data[2 * i] - 3 * pts.data[2 * i + 1] + 0.5);
    const interp = new P1Interpolator(mesh);
    const q = dom.sampleInterior(300, 'uniform', 5);
    // Two components: the linear field and a copy, to check component striding.
    const two = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      two[2 * i] = lin[i];
      two[2 * i + 1] = -lin[i];
    }
    const v = interp.evaluate(two, q, 2);
    let inHull = 0;
    for (let i = 0; i < 300; i++) {
      if (Number.isNaN(v[2 * i])) continue;
      inHull++;
      const exact = 2 * q.data[2 * i] - 3 * q.data[2 * i + 1] + 0.5;
      expect(v[2 * i]).to.be.closeTo(exact, 1e-10);
      expect(v[2 * i + 1]).to.be.closeTo(-exact, 1e-10);
    }
    expect(inHull).to.be.at.least(290);
    expect(Number.isNaN(interp.evaluate(lin, { data: Float64Array.from([0, 0, 5, 5]), dim: 2 })[0])).to.equal(true);
    // Quadratic field: error drops ~4x when the grid spacing halves (O(h^2)).
    const err = (m: number) => {
      const g = uniformGrid({ min: [0, 0], max: [1, 1] }, [m, m]);
      const ip = new P1Interpolator(triangulate(g.points));
      const f = (x: number, y: number) => x * x + x * y;
      const vals = Float64Array.from({ length: m * m }, (_, i) => f(g.points.data[2 * i], g.points.data[2 * i + 1]));
      const qq = rectangle([0, 0], [1, 1]).sampleInterior(400, 'halton', 0);
      const out = ip.evaluate(vals, qq);
      let e = 0;
      for (let i = 0; i < 400; i++) e = Math.max(e, Math.abs(out[i] - f(qq.data[2 * i], qq.data[2 * i + 1])));
      return e;
    };
    const ratio = err(9) / err(17);
    expect(ratio).to.be.within(3, 5);
    expect(() => interp.evaluate(new Float64Array(3), q)).to.throw(/values: expected \d+ entries/);
  });

  it('RAR picks the top-k residuals; RAR-D follows r^k/mean + c and is seeded', () => {
    const cand = { data: Float64Array.from({ length: 10 }, (_, i) => i), dim: 1 };
    const r = Float64Array.from([0.1, 5, 0.2, 3, 0, 9, 1, 1, 0.5, 4]);
    const top = rarSelect(cand, r, 3);
    expect(Array.from(top.indices)).to.deep.equal([5, 1, 9]);
    expect(Array.from(top.points.data)).to.deep.equal([5, 1, 9]);
    const p = rarDProbabilities(r, 2, 0);
    const r2 = r.map((v) => v * v);
    const s = r2.reduce((a, b) => a + b, 0);
    p.forEach((v, i) => expect(v).to.be.closeTo(r2[i] / s, 1e-15));
    const pc = rarDProbabilities(new Float64Array(4), 1, 1);
    expect(Array.from(pc)).to.deep.equal([0.25, 0.25, 0.25, 0.25]);
    // Empirical inclusion frequency of single draws tracks p.
    const counts = new Float64Array(10);
    for (let seed = 0; seed < 3000; seed++) counts[rarDSelect(cand, r, 1, { power: 1, c: 0.5, seed }).indices[0]]++;
    const p1 = rarDProbabilities(r, 1, 0.5);
    for (let i = 0; i < 10; i++) expect(counts[i] / 3000).to.be.closeTo(p1[i], 0.03);
    const a = rarDSelect(cand, r, 4, { seed: 7 });
    expect(new Set(a.indices).size).to.equal(4);
    expect(Array.from(a.indices)).to.deep.equal(Array.from(rarDSelect(cand, r, 4, { seed: 7 }).indices));
    expect(() => rarSelect(cand, r.slice(0, 5), 2)).to.throw(/residualAbs has 5 entries, expected one per candidate \(10\)/);
    expect(() => rarSelect(cand, r, 11)).to.throw(/k=11 exceeds/);
  });
});
