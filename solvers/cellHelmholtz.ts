// -lap u + c(x) u = g on a box minus holes, cell-centred finite volumes on a uniform grid (2-D or 3-D), for
// reference solutions of PINN benchmarks with Neumann or Robin walls:
//   - box walls: du/dn + beta u = 0 (beta = 0: zero Neumann), flux through the half cell so the scheme stays
//     second order: the wall value is u_P / (1 + beta h / 2);
//   - holes (cells whose centre is outside the domain): zero-flux faces, a staircase boundary, first order there.
// The matrix is symmetric positive definite when c > 0 somewhere or beta > 0, and is solved by Jacobi-preconditioned CG.
import { pcg } from './cg.js';

export interface CellHelmholtzOptions {
  /** Box corners [x0, y0(, z0)] and [x1, y1(, z1)]. */
  min: readonly number[];
  max: readonly number[];
  /** Cells per axis (the cells are cubes: (max - min) / cells must agree on every axis). */
  cells: readonly number[];
  /** Reaction coefficient c(p) >= 0 at a cell centre (default 0). */
  reaction?: (p: readonly number[]) => number;
  /** Right-hand side g(p) at a cell centre. */
  source: (p: readonly number[]) => number;
  /** Whether a cell centre belongs to the domain (default: every cell). */
  inside?: (p: readonly number[]) => boolean;
  /** Robin coefficient on the box walls, du/dn + beta u = 0 (default 0: zero Neumann). */
  beta?: number;
  /** CG tolerance on ||r|| / ||b|| (default 1e-10). */
  tol?: number;
  maxIter?: number;
}

export interface CellHelmholtzResult {
  /** Cell values, x fastest; NaN in holes. */
  u: Float64Array;
  /** Cell centre coordinates, one array per axis. */
  centres: Float64Array[];
  /** Cells per axis and spacing. */
  cells: number[];
  h: number;
  iterations: number;
  converged: boolean;
}

/** Solves -lap u + c u = g with the walls and holes of `opts` (see the module comment). */
export function solveCellHelmholtz(opts: CellHelmholtzOptions): CellHelmholtzResult {
  const dim = opts.cells.length;
  if (dim !== 2 && dim !== 3) throw new RangeError(`solveCellHelmholtz: cells must have 2 or 3 entries, got ${dim}`);
  if (opts.min.length !== dim || opts.max.length !== dim) throw new RangeError(`solveCellHelmholtz: min and max must have ${dim} entries`);
  for (const n of opts.cells)
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`solveCellHelmholtz: cells must be integers >= 2, got ${n}`);
  const h = (opts.max[0] - opts.min[0]) / opts.cells[0];
  for (let a = 1; a < dim; a++) {
    const ha = (opts.max[a] - opts.min[a]) / opts.cells[a];
    if (Math.abs(ha - h) > 1e-12 * h)
      throw new RangeError(`solveCellHelmholtz: cells must be cubes, got h = ${h} on axis 0 and ${ha} on axis ${a}`);
  }
  const beta = opts.beta ?? 0;
  if (!(beta >= 0)) throw new RangeError(`solveCellHelmholtz: beta must be >= 0, got ${beta}`);
  const cells = [...opts.cells, 1, 1].slice(0, 3);
  const [nx, ny, nz] = cells;
  const total = nx * ny * nz;
  const strides = [1, nx, nx * ny];
  const centres = Array.from({ length: dim }, (_, a) =>
    Float64Array.from({ length: opts.cells[a] }, (_, i) => opts.min[a] + (i + 0.5) * h),
  );

  const active = new Uint8Array(total);
  const reaction = new Float64Array(total);
  const rhs = new Float64Array(total);
  const p = new Array<number>(dim);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const id = i + nx * (j + ny * k);
        p[0] = centres[0][i];
        p[1] = centres[1][j];
        if (dim === 3) p[2] = centres[2][k];
        if (opts.inside && !opts.inside(p)) continue;
        active[id] = 1;
        const c = opts.reaction ? opts.reaction(p) : 0;
        if (!(c >= 0)) throw new RangeError(`solveCellHelmholtz: reaction must be >= 0, got ${c} at (${p.join(', ')})`);
        reaction[id] = c;
        rhs[id] = opts.source(p);
      }

  if (beta === 0 && !reaction.some((c) => c > 0)) {
    throw new RangeError('solveCellHelmholtz: singular system (zero-Neumann walls and no reaction: u is defined up to a constant)');
  }
  // Diagonal: neighbour faces 1/h^2 each, wall faces beta / (h (1 + beta h / 2)), plus c.
  const idx = [0, 0, 0];
  const wall = beta / (h * (1 + (beta * h) / 2));
  const inv2 = 1 / (h * h);
  const diag = new Float64Array(total);
  // neighbour mask: bit 2a set = has active lower neighbour on axis a, bit 2a+1 = upper.
  const nbr = new Uint8Array(total);
  for (let id = 0; id < total; id++) {
    if (!active[id]) continue;
    idx[0] = id % nx;
    idx[1] = Math.floor(id / nx) % ny;
    idx[2] = Math.floor(id / (nx * ny));
    let d = reaction[id];
    let bits = 0;
    for (let a = 0; a < dim; a++) {
      if (idx[a] === 0) d += wall;
      else if (active[id - strides[a]]) {
        d += inv2;
        bits |= 1 << (2 * a);
      }
      if (idx[a] === cells[a] - 1) d += wall;
      else if (active[id + strides[a]]) {
        d += inv2;
        bits |= 1 << (2 * a + 1);
      }
    }
    if (!(d > 0)) throw new RangeError('solveCellHelmholtz: singular system (an isolated cell with no reaction and no Robin wall)');
    diag[id] = d;
    nbr[id] = bits;
  }

  const apply = (x: Float64Array, out: Float64Array): void => {
    for (let id = 0; id < total; id++) {
      if (!active[id]) {
        out[id] = 0;
        continue;
      }
      let v = diag[id] * x[id];
      const bits = nbr[id];
      if (bits & 1) v -= inv2 * x[id - 1];
      if (bits & 2) v -= inv2 * x[id + 1];
      if (bits & 4) v -= inv2 * x[id - nx];
      if (bits & 8) v -= inv2 * x[id + nx];
      if (bits & 16) v -= inv2 * x[id - nx * ny];
      if (bits & 32) v -= inv2 * x[id + nx * ny];
      out[id] = v;
    }
  };
  const jacobi = (r: Float64Array, z: Float64Array): void => {
    for (let id = 0; id < total; id++) z[id] = active[id] ? r[id] / diag[id] : 0;
  };
  const res = pcg(apply, rhs, { preconditioner: jacobi, tol: opts.tol ?? 1e-10, maxIter: opts.maxIter ?? 20000 });
  const u = res.x;
  for (let id = 0; id < total; id++) if (!active[id]) u[id] = Number.NaN;
  return { u, centres, cells: opts.cells.slice(), h, iterations: res.iterations, converged: res.converged };
}
