/**
 * Actuated soft robots for the MPM (DiffTaichi mpm.py's `robot` scene): axis-aligned rectangles filled with particles
 * on a lattice of spacing dx / 2 (4 per cell, the default particle volume), each rectangle passive or in one
 * actuator group. Every particle of group g is driven by that group's actuation (stress along the simulator's
 * actuation direction).
 */

export interface RobotRect {
  /** lower-left corner, relative to the robot's origin */
  x: number;
  y: number;
  w: number;
  h: number;
  /** actuator group (0, 1, ...), or -1 for passive material */
  group: number;
}

export interface MpmRobot {
  /** particle positions, particle-major [x0, y0, x1, y1, ...] */
  positions: Float64Array;
  /** actuator group of each particle (-1: passive) */
  groups: Int32Array;
  nGroups: number;
}

/** DiffTaichi mpm.py's walker: a body slab on four legs, each leg one actuator (sizes in units of the unit box). */
export function difftaichiWalker(): RobotRect[] {
  return [
    { x: 0, y: 0.1, w: 0.3, h: 0.1, group: -1 },
    { x: 0, y: 0, w: 0.05, h: 0.1, group: 0 },
    { x: 0.05, y: 0, w: 0.05, h: 0.1, group: 1 },
    { x: 0.2, y: 0, w: 0.05, h: 0.1, group: 2 },
    { x: 0.25, y: 0, w: 0.05, h: 0.1, group: 3 },
  ];
}

/** Particles of rectangle r along x and y (DiffTaichi add_rect: 2 per cell and axis, at least 1). */
export function rectLattice(r: RobotRect, nGrid: number, scale = 1): [number, number] {
  return [Math.max(1, Math.round(2 * r.w * scale * nGrid)), Math.max(1, Math.round(2 * r.h * scale * nGrid))];
}

/** The box [lo, hi] the scaled rectangles span from `origin`, and their particle count (without building them). */
export function robotExtent(
  rects: readonly RobotRect[],
  nGrid: number,
  origin: readonly [number, number],
  scale = 1,
): { lo: [number, number]; hi: [number, number]; particles: number } {
  const lo: [number, number] = [Infinity, Infinity];
  const hi: [number, number] = [-Infinity, -Infinity];
  let particles = 0;
  for (const r of rects) {
    lo[0] = Math.min(lo[0], origin[0] + r.x * scale);
    lo[1] = Math.min(lo[1], origin[1] + r.y * scale);
    hi[0] = Math.max(hi[0], origin[0] + (r.x + r.w) * scale);
    hi[1] = Math.max(hi[1], origin[1] + (r.y + r.h) * scale);
    const [nx, ny] = rectLattice(r, nGrid, scale);
    particles += nx * ny;
  }
  return { lo, hi, particles };
}

/** The rectangles' actuator groups are 0 .. G-1 with none left out (G >= 1): G, or an error naming the problem. */
export function robotGroups(rects: readonly RobotRect[]): number {
  if (rects.length === 0) throw new Error('expected at least one rectangle');
  const used = new Set<number>();
  rects.forEach((r, i) => {
    if (!(r.w > 0 && r.h > 0)) throw new Error(`rectangle ${i} needs w, h > 0, got ${r.w}, ${r.h}`);
    if (!Number.isInteger(r.group) || r.group < -1) throw new Error(`rectangle ${i}: group must be -1 or an index >= 0, got ${r.group}`);
    if (r.group >= 0) used.add(r.group);
  });
  const nGroups = used.size ? Math.max(...used) + 1 : 0;
  for (let g = 0; g < nGroups; g++)
    if (!used.has(g)) throw new Error(`actuator group ${g} has no rectangle (groups must be 0, 1, ... without gaps)`);
  if (nGroups === 0) throw new Error('no rectangle is actuated (give one a group >= 0)');
  return nGroups;
}

/**
 * Particles of the rectangles scaled by `scale` and placed at `origin`, as DiffTaichi's add_rect: per rectangle
 * max(1, round(2 w / dx)) x max(1, round(2 h / dx)) particles at cell-centred lattice points.
 */
export function buildMpmRobot(rects: readonly RobotRect[], nGrid: number, origin: readonly [number, number], scale = 1): MpmRobot {
  let nGroups: number;
  try {
    nGroups = robotGroups(rects);
  } catch (e) {
    throw new Error(`buildMpmRobot: ${(e as Error).message}`);
  }
  const xs: number[] = [];
  const gs: number[] = [];
  for (const r of rects) {
    const w = r.w * scale,
      h = r.h * scale;
    const [nx, ny] = rectLattice(r, nGrid, scale);
    for (let a = 0; a < nx; a++) {
      for (let b = 0; b < ny; b++) {
        xs.push(origin[0] + r.x * scale + ((a + 0.5) * w) / nx, origin[1] + r.y * scale + ((b + 0.5) * h) / ny);
        gs.push(r.group);
      }
    }
  }
  return { positions: Float64Array.from(xs), groups: Int32Array.from(gs), nGroups };
}
