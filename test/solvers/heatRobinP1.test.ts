import { expect } from 'chai';
import { boundaryEdges, perforatedRectangleMesh } from '../../meshes/index.js';
import { solveHeatRobinP1 } from '../../solvers/heatRobinP1.js';

// Manufactured u = 1 + exp(-t) cos(x) sin(2y) on [0, 1]^2 minus the disk of radius 0.2 at (0.5, 0.5):
// f = u_t - lap u = 4 exp(-t) cos(x) sin(2y), g = du/dn + u with n the outward normal of the domain (into the hole
// on the circle), so the test also checks the hole's orientation.
const exact = (x: number, y: number, t: number): number => 1 + Math.exp(-t) * Math.cos(x) * Math.sin(2 * y);
const grad = (x: number, y: number, t: number): [number, number] => [
  -Math.exp(-t) * Math.sin(x) * Math.sin(2 * y),
  2 * Math.exp(-t) * Math.cos(x) * Math.cos(2 * y),
];
const source = (x: number, y: number, t: number): number => 4 * Math.exp(-t) * Math.cos(x) * Math.sin(2 * y);
const HOLE = { center: [0.5, 0.5] as [number, number], radius: 0.2 };

function normal(x: number, y: number): [number, number] {
  const dx = x - HOLE.center[0],
    dy = y - HOLE.center[1],
    r = Math.hypot(dx, dy);
  if (r < HOLE.radius + 0.01) return [-dx / r, -dy / r]; // quadrature points on the chords lie just inside
  if (x < 1e-9) return [-1, 0];
  if (x > 1 - 1e-9) return [1, 0];
  return y < 1e-9 ? [0, -1] : [0, 1];
}

const g = (x: number, y: number, t: number): number => {
  const [gx, gy] = grad(x, y, t),
    [nx, ny] = normal(x, y);
  return gx * nx + gy * ny + exact(x, y, t);
};

describe('solvers/heatRobinP1 (P1 finite elements, BDF2, du/dn = g - u)', () => {
  it('the perforated mesh has one closed boundary loop per side set and per hole', () => {
    const mesh = perforatedRectangleMesh([0, 0], [1, 1], [HOLE], 0.1);
    const edges = boundaryEdges(mesh);
    // 40 points on the square's sides and 16 on the circle, each a closed polygon
    expect(edges.length / 2).to.equal(40 + 16);
  });

  it('manufactured solution on a square with a hole: second order in h', () => {
    const errs = [0.1, 0.05].map((h) => {
      const mesh = perforatedRectangleMesh([0, 0], [1, 1], [HOLE], h);
      const x = mesh.points.data,
        n = x.length / 2;
      const u0 = Float64Array.from({ length: n }, (_, i) => exact(x[2 * i], x[2 * i + 1], 0));
      const frames = solveHeatRobinP1(mesh, { T: 0.5, dt: 2e-3, g, source, u0, frames: 2 });
      expect(frames.map((f) => f.t)).to.deep.equal([0.25, 0.5]);
      let m = 0;
      frames[1].u.forEach((v, i) => (m = Math.max(m, Math.abs(v - exact(x[2 * i], x[2 * i + 1], 0.5)))));
      return m;
    });
    expect(errs[1]).to.be.below(2e-3);
    expect(errs[0] / errs[1]).to.be.within(3, 5.5);
  });

  it('u0 = 0 against g = 5 (PINNacle Heat2d-CG data): no undershoot, approaches the steady state u = 5', () => {
    const mesh = perforatedRectangleMesh([0, 0], [1, 1], [HOLE], 0.1);
    const [early, late] = solveHeatRobinP1(mesh, { T: 20, dt: 0.05, g: () => 5, frames: 2 }).map((f) => f.u);
    expect(Math.min(...early)).to.be.above(-1e-9);
    for (const v of late) expect(v).to.be.closeTo(5, 1e-3);
  });
});
