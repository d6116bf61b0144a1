// A realistic run directory for the viewer tests, written with the meshes/ VTK writers:
// a space-time grid (prediction/reference/error), a triangle mesh, a particle+spring series.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type VtkImageData, type VtkPolyData, writePvd, writeVtk, unstructuredFromCells, VTK_CELL } from '../../meshes/index.js';

export const GRID = { nx: 33, ny: 25, nt: 5 } as const;
export const FRAMES = 4;

/** Metrics lines as the runner writes them (runner/outputs.ts MetricsRecord). */
export function metricsLine(step: number): string {
  const loss = Math.exp(-step / 8) + 1e-3;
  return `${JSON.stringify({ step, loss, terms: { pde: 0.7 * loss, bc: 0.3 * loss }, weights: { pde: 1, bc: 1 }, lr: 1e-3, wall_time: step * 0.05, l2re: 0.5 * Math.exp(-step / 12) })}\n`;
}

function spaceTimeGrid(): VtkImageData {
  const { nx, ny, nt } = GRID;
  const n = nx * ny * nt;
  const u = new Float64Array(n);
  const ref = new Float64Array(n);
  const err = new Float64Array(n);
  const inside = new Float64Array(n).fill(1);
  for (let k = 0; k < nt; k++) {
    const t = k / (nt - 1);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = i / (nx - 1);
        const y = j / (ny - 1);
        const p = (k * ny + j) * nx + i;
        // A travelling wave, so every time slice looks different.
        ref[p] = Math.sin(2 * Math.PI * (x - 0.6 * t)) * Math.sin(Math.PI * y);
        u[p] = ref[p] + 0.05 * Math.sin(7 * x + 3 * y + t);
        err[p] = Math.abs(u[p] - ref[p]);
        // A circular hole, as CSG domains leave on their bounding-box grid.
        if ((x - 0.5) ** 2 + (y - 0.5) ** 2 < 0.02) inside[p] = 0;
      }
    }
  }
  return {
    kind: 'ImageData',
    dims: [nx, ny, nt],
    origin: [0, 0, 0],
    spacing: [1 / (nx - 1), 1 / (ny - 1), 1 / (nt - 1)],
    pointData: [
      { name: 'u', values: u },
      { name: 'u_ref', values: ref },
      { name: 'u_err', values: err },
      { name: 'inside', values: inside },
    ],
  };
}

function robotFrame(f: number): VtkPolyData {
  // A 4x3 lattice of particles joined by springs, sliding right and shearing frame by frame.
  const pts: number[] = [];
  const speed: number[] = [];
  for (let j = 0; j < 3; j++)
    for (let i = 0; i < 4; i++) {
      pts.push(0.1 * i + 0.08 * f + 0.03 * f * j, 0.1 * j, 0);
      speed.push(0.08 + 0.03 * j, 0, 0);
    }
  const springs: number[] = [];
  for (let j = 0; j < 3; j++)
    for (let i = 0; i < 4; i++) {
      const p = j * 4 + i;
      if (i < 3) springs.push(p, p + 1);
      if (j < 2) springs.push(p, p + 4);
    }
  const n = pts.length / 3;
  return {
    kind: 'PolyData',
    points: pts,
    verts: { connectivity: Int32Array.from({ length: n }, (_, i) => i), offsets: Int32Array.from({ length: n }, (_, i) => i + 1) },
    lines: { connectivity: Int32Array.from(springs), offsets: Int32Array.from({ length: springs.length / 2 }, (_, i) => 2 * (i + 1)) },
    pointData: [{ name: 'v', values: speed, components: 3 }],
  };
}

/** Writes the fixture into `dir` (created) and returns it. `metricsSteps` lines of metrics. */
export function writeFixtureRun(dir: string, metricsSteps = 20): string {
  mkdirSync(join(dir, 'fields'), { recursive: true });
  writeFileSync(join(dir, 'config.resolved.yaml'), 'kind: pinn\nname: fixture\ntime: [0, 1]\nfields: [u]\n');
  writeFileSync(join(dir, 'metrics.jsonl'), Array.from({ length: metricsSteps }, (_, s) => metricsLine(s)).join(''));
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify({ name: 'fixture', kind: 'pinn', status: 'completed', steps: metricsSteps, wall_time: 1.5, backend: 'js', l2re: 0.012 }),
  );
  writeVtk(join(dir, 'fields', 'solution.vti'), spaceTimeGrid());
  // Two triangles per square of a 5x5 point lattice.
  const m = 5;
  const xy: number[] = [];
  for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) xy.push(i / (m - 1), j / (m - 1));
  const tris: number[] = [];
  for (let j = 0; j + 1 < m; j++)
    for (let i = 0; i + 1 < m; i++) {
      const p = j * m + i;
      tris.push(p, p + 1, p + m + 1, p, p + m + 1, p + m);
    }
  const mesh = unstructuredFromCells(xy, 2, tris, VTK_CELL.TRIANGLE, 3);
  writeVtk(join(dir, 'fields', 'mesh.vtu'), {
    ...mesh,
    pointData: [{ name: 'T', values: Array.from({ length: m * m }, (_, p) => xy[2 * p] * xy[2 * p + 1]) }],
  });
  const frames = Array.from({ length: FRAMES }, (_, f) => ({ time: 0.1 * f, file: `robot_${String(f).padStart(4, '0')}.vtp` }));
  frames.forEach((fr, f) => writeVtk(join(dir, 'fields', fr.file), robotFrame(f)));
  writePvd(join(dir, 'fields', 'robot.pvd'), frames);
  return dir;
}

/**
 * Series the viewer draws over fields/robot.pvd: a ground truth (`robot_truth.pvd`, the lattice shifted up by 0.05) and
 * a goal (`goal.pvd`, one point ahead of the robot).
 */
export function writeOverlaySeries(dir: string): void {
  const frames = (name: string) =>
    Array.from({ length: FRAMES }, (_, f) => ({ time: 0.1 * f, file: `${name}_${String(f).padStart(4, '0')}.vtp` }));
  const truth = frames('robot_truth');
  truth.forEach((fr, f) => {
    const r = robotFrame(f);
    writeVtk(join(dir, 'fields', fr.file), { ...r, points: Array.from(r.points, (x, i) => (i % 3 === 1 ? x + 0.05 : x)), pointData: [] });
  });
  writePvd(join(dir, 'fields', 'robot_truth.pvd'), truth);
  const goal = frames('goal');
  goal.forEach((fr) =>
    writeVtk(join(dir, 'fields', fr.file), {
      kind: 'PolyData',
      points: [0.75, 0.1, 0],
      verts: { connectivity: Int32Array.of(0), offsets: Int32Array.of(1) },
      pointData: [],
    }),
  );
  writePvd(join(dir, 'fields', 'goal.pvd'), goal);
}
