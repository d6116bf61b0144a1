// Triangle mesh of a rectangle with circular holes (PINNacle's Heat2d-CG geometry): a triangular lattice of spacing
// h inside, h-spaced points on the rectangle's sides and on each circle, Delaunay, and the triangles whose centroid
// lies in a hole dropped. Lattice points closer than 0.6 h to a side or a circle are left out, so no sliver forms
// against the boundary points.
import { difference, unionAll } from './geometry/csg.js';
import { rectangle } from './geometry/hypercube.js';
import { disk } from './geometry/hypersphere.js';
import { type TriMesh, triangulate } from './trimesh.js';

export interface Circle {
  center: [number, number];
  radius: number;
}

export function perforatedRectangleMesh(min: [number, number], max: [number, number], holes: readonly Circle[], h: number): TriMesh {
  if (!(h > 0)) throw new RangeError(`perforatedRectangleMesh: h must be positive, got ${h}`);
  if (!(max[0] > min[0] && max[1] > min[1])) throw new RangeError(`perforatedRectangleMesh: expected min < max, got [${min}] and [${max}]`);
  const pts: number[] = [];
  const nx = Math.max(1, Math.ceil((max[0] - min[0]) / h)),
    ny = Math.max(1, Math.ceil((max[1] - min[1]) / h));
  for (let i = 0; i < nx; i++) {
    const x = min[0] + ((max[0] - min[0]) * i) / nx;
    pts.push(x, min[1], max[0] + min[0] - x, max[1]);
  }
  for (let j = 0; j < ny; j++) {
    const y = min[1] + ((max[1] - min[1]) * j) / ny;
    pts.push(max[0], y, min[0], max[1] + min[1] - y);
  }
  for (const c of holes) {
    const k = Math.max(16, Math.ceil((2 * Math.PI * c.radius) / h));
    for (let i = 0; i < k; i++) {
      const a = (2 * Math.PI * i) / k;
      pts.push(c.center[0] + c.radius * Math.cos(a), c.center[1] + c.radius * Math.sin(a));
    }
  }
  const gap = 0.6 * h,
    dy = (h * Math.sqrt(3)) / 2;
  for (let j = 0, y = min[1] + gap; y <= max[1] - gap; j++, y = min[1] + gap + j * dy) {
    for (let x = min[0] + gap + (j % 2) * 0.5 * h; x <= max[0] - gap; x += h) {
      if (holes.every((c) => Math.hypot(x - c.center[0], y - c.center[1]) >= c.radius + gap)) pts.push(x, y);
    }
  }
  const domain = holes.length ? difference(rectangle(min, max), unionAll(holes.map((c) => disk(c.center, c.radius)))) : rectangle(min, max);
  return triangulate({ data: Float64Array.from(pts), dim: 2 }, domain);
}
