// Interpolators of tabulated data: exact on (multi)linear functions, nearest picks the nearest, out-of-range rules.
import { expect } from 'chai';
import { gridAxes, gridInterpolator, mulberry32, nearestIndex, scatteredInterpolator, tableInterpolator } from '../../meshes/index.js';

/** Nodes of the rectilinear grid axes[0] x axes[1] x ..., shuffled (seeded), with f at each. */
function gridTable(axes: number[][], f: (p: number[]) => number, seed: number): { points: Float64Array; values: Float64Array } {
  let rows: number[][] = [[]];
  for (const a of axes) rows = rows.flatMap((r) => a.map((v) => [...r, v]));
  const rand = mulberry32(seed);
  rows.sort(() => rand() - 0.5);
  return { points: Float64Array.from(rows.flat()), values: Float64Array.from(rows, f) };
}

describe('meshes/interpolate', () => {
  const rand = mulberry32(7);

  it('multilinear on a non-uniform, shuffled 2-D grid is exact on bilinear functions; nodes return their values', () => {
    const f = (p: number[]): number => 1 + 2 * p[0] - 3 * p[1] + 0.5 * p[0] * p[1];
    const { points, values } = gridTable(
      [
        [0, 0.1, 0.45, 1],
        [-1, 0, 0.3, 2],
      ],
      f,
      1,
    );
    expect(gridAxes(points, 2)?.map((a) => Array.from(a))).to.deep.equal([
      [0, 0.1, 0.45, 1],
      [-1, 0, 0.3, 2],
    ]);
    const g = gridInterpolator(points, values, 2);
    for (let k = 0; k < 50; k++) {
      const p = [rand(), -1 + 3 * rand()];
      expect(g(p)).to.be.closeTo(f(p), 1e-12);
    }
    for (let i = 0; i < values.length; i++) expect(g(points.subarray(2 * i, 2 * i + 2))).to.be.closeTo(values[i], 1e-14);
  });

  it('multilinear in 3-D and 1-D is exact on linear functions; outside the grid the coordinates clamp', () => {
    const f = (p: number[]): number => 0.5 - p[0] + 2 * p[1] + 4 * p[2];
    const { points, values } = gridTable(
      [
        [0, 0.5, 1],
        [0, 1],
        [0, 0.25, 0.5, 1],
      ],
      f,
      2,
    );
    const g = tableInterpolator(points, values, 3, 'linear');
    for (let k = 0; k < 30; k++) {
      const p = [rand(), rand(), rand()];
      expect(g(p)).to.be.closeTo(f(p), 1e-12);
    }
    expect(g([2, -1, 0.5])).to.be.closeTo(f([1, 0, 0.5]), 1e-12);
    const g1 = gridInterpolator([0, 2, 1], [0, 4, 2], 1);
    expect(g1([1.5])).to.be.closeTo(3, 1e-15);
    expect(g1([-3])).to.equal(0);
  });

  it('nearest on a grid picks the nearest node per axis', () => {
    const { points, values } = gridTable(
      [
        [0, 1, 2],
        [0, 10],
      ],
      (p) => p[0] + p[1],
      3,
    );
    const g = gridInterpolator(points, values, 2, 'nearest');
    expect(g([0.4, 4])).to.equal(0);
    expect(g([0.6, 6])).to.equal(11);
    expect(g([1.9, -5])).to.equal(2);
  });

  it('barycentric on scattered 2-D points is exact on linear functions inside the hull; outside it takes the nearest point', () => {
    const n = 60;
    const points = Float64Array.from({ length: 2 * n }, () => rand());
    const f = (x: number, y: number): number => 3 - 2 * x + 5 * y;
    const values = Float64Array.from({ length: n }, (_, i) => f(points[2 * i], points[2 * i + 1]));
    expect(gridAxes(points, 2)).to.equal(null);
    const g = tableInterpolator(points, values, 2, 'linear');
    // queries inside the triangle of three data points lie inside the hull
    for (let k = 0; k < 40; k++) {
      const [a, b, c] = [0, 1, 2].map(() => Math.floor(rand() * n));
      const w = [rand(), rand(), rand()];
      const s = w[0] + w[1] + w[2];
      const q = [0, 1].map((j) => (w[0] * points[2 * a + j] + w[1] * points[2 * b + j] + w[2] * points[2 * c + j]) / s);
      expect(g(q)).to.be.closeTo(f(q[0], q[1]), 1e-10);
    }
    const far = [5, -3];
    const near = nearestIndex(points, 2)(far);
    let best = -1,
      bestD = Infinity;
    for (let i = 0; i < n; i++) {
      const d = (points[2 * i] - 5) ** 2 + (points[2 * i + 1] + 3) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    }
    expect(near).to.equal(best);
    expect(g(far)).to.equal(values[best]);
  });

  it('nearest at scattered points agrees with brute force in 3-D (k-d tree)', () => {
    const n = 200;
    const points = Float64Array.from({ length: 3 * n }, () => rand());
    const values = Float64Array.from({ length: n }, (_, i) => i);
    const g = scatteredInterpolator(points, values, 3, 'linear'); // linear is nearest outside 2-D
    for (let k = 0; k < 50; k++) {
      const q = [rand() * 1.2 - 0.1, rand(), rand()];
      let best = -1,
        bestD = Infinity;
      for (let i = 0; i < n; i++) {
        const d = (points[3 * i] - q[0]) ** 2 + (points[3 * i + 1] - q[1]) ** 2 + (points[3 * i + 2] - q[2]) ** 2;
        if (d < bestD) [best, bestD] = [i, d];
      }
      expect(g(q)).to.equal(best);
    }
  });

  it('rejects mismatched data with a clear message', () => {
    expect(() => tableInterpolator([0, 1, 2], [1, 2], 2)).to.throw('tableInterpolator: expected 2 x 2 = 4 coordinates for 2 values, got 3');
    expect(() => gridInterpolator([0, 0, 1, 1, 0.5, 0.2], [1, 2, 3], 2)).to.throw(/do not form a rectilinear grid/);
  });
});
