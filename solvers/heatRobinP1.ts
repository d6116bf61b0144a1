// Heat equation u_t = lap u + f on a triangulated 2D domain (holes allowed) with a Robin condition on the whole
// boundary, du/dn = g - kappa u (n the outward normal), as PINNacle's Heat2d-CG states it. Piecewise-linear finite
// elements (consistent mass, stiffness, boundary mass), BDF2 in time (L-stable: an initial state that violates the
// boundary condition, as u0 = 0 against g = 5 does, leaves no oscillation; the first step is backward Euler), each
// step one Jacobi-preconditioned CG solve of  c M + K + kappa B  (symmetric positive definite).
import type { TriMesh } from '../meshes/trimesh.js';
import { boundaryEdges } from '../meshes/trimesh.js';
import { pcg } from './cg.js';

export interface HeatRobinP1Options {
  T: number;
  /** requested step; the actual step is T / (frames * ceil(T / frames / dt)) */
  dt: number;
  /** Robin data g(x, y, t) in du/dn = g - kappa u */
  g: (x: number, y: number, t: number) => number;
  /** default 1 */
  kappa?: number;
  source?: (x: number, y: number, t: number) => number;
  /** initial node values (default 0) */
  u0?: Float64Array;
  /** solutions recorded at t = k T / frames, k = 1..frames (default 1) */
  frames?: number;
  /** relative residual tolerance of each CG solve (default 1e-10) */
  tol?: number;
}

export interface P1Frame {
  t: number;
  u: Float64Array;
}

/** Symmetric sparse matrices on one pattern (CSR), mass M and stiffness-plus-boundary S = K + kappa B. */
interface Pattern {
  rowPtr: Int32Array;
  col: Int32Array;
  M: Float64Array;
  S: Float64Array;
}

function buildPattern(n: number, tri: Uint32Array, edges: Uint32Array): Pattern {
  const nb: Set<number>[] = Array.from({ length: n }, (_, i) => new Set([i]));
  for (let e = 0; e < tri.length; e += 3) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) nb[tri[e + a]].add(tri[e + b]);
  for (let e = 0; e < edges.length; e += 2) {
    nb[edges[e]].add(edges[e + 1]);
    nb[edges[e + 1]].add(edges[e]);
  }
  const rowPtr = new Int32Array(n + 1);
  nb.forEach((s, i) => (rowPtr[i + 1] = rowPtr[i] + s.size));
  const col = new Int32Array(rowPtr[n]);
  nb.forEach((s, i) => col.set(Int32Array.from([...s].sort((x, y) => x - y)), rowPtr[i]));
  return { rowPtr, col, M: new Float64Array(col.length), S: new Float64Array(col.length) };
}

function slot(p: Pattern, i: number, j: number): number {
  let lo = p.rowPtr[i],
    hi = p.rowPtr[i + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (p.col[mid] === j) return mid;
    if (p.col[mid] < j) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`heatRobinP1: (${i}, ${j}) is not in the sparsity pattern`);
}

/** Assembles M, K + kappa B and returns the boundary edges (for the Robin load). */
function assembleHeatRobinP1(mesh: TriMesh, kappa: number): Pattern & { edges: Uint32Array } {
  const x = mesh.points.data,
    n = x.length / 2,
    tri = mesh.triangles;
  const edges = boundaryEdges(mesh);
  const p = buildPattern(n, tri, edges);
  for (let e = 0; e < tri.length; e += 3) {
    const v = [tri[e], tri[e + 1], tri[e + 2]];
    const bx = [x[2 * v[1] + 1] - x[2 * v[2] + 1], x[2 * v[2] + 1] - x[2 * v[0] + 1], x[2 * v[0] + 1] - x[2 * v[1] + 1]];
    const cy = [x[2 * v[2]] - x[2 * v[1]], x[2 * v[0]] - x[2 * v[2]], x[2 * v[1]] - x[2 * v[0]]];
    const area = 0.5 * (cy[2] * bx[1] - cy[1] * bx[2]);
    if (!(area > 0)) throw new Error(`heatRobinP1: triangle ${e / 3} has non-positive area ${area}`);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const s = slot(p, v[a], v[b]);
        p.S[s] += (bx[a] * bx[b] + cy[a] * cy[b]) / (4 * area);
        p.M[s] += (area * (a === b ? 2 : 1)) / 12;
      }
  }
  for (let e = 0; e < edges.length; e += 2) {
    const [i, j] = [edges[e], edges[e + 1]];
    const len = Math.hypot(x[2 * j] - x[2 * i], x[2 * j + 1] - x[2 * i + 1]);
    p.S[slot(p, i, i)] += (kappa * len) / 3;
    p.S[slot(p, j, j)] += (kappa * len) / 3;
    p.S[slot(p, i, j)] += (kappa * len) / 6;
    p.S[slot(p, j, i)] += (kappa * len) / 6;
  }
  return { ...p, edges };
}

function spmv(p: Pattern, a: Float64Array, x: Float64Array, out: Float64Array, cm = 1, cs = 0, b?: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) s += (cm * a[k] + (b ? cs * b[k] : 0)) * x[p.col[k]];
    out[i] = s;
  }
}

/** Nodal load of the Robin data, sum over boundary edges of the integral of g phi_i (2-point Gauss). */
function robinLoad(
  x: Float64Array,
  edges: Uint32Array,
  g: (x: number, y: number, t: number) => number,
  t: number,
  out: Float64Array,
): void {
  out.fill(0);
  const q = 0.5 / Math.sqrt(3);
  for (let e = 0; e < edges.length; e += 2) {
    const [i, j] = [edges[e], edges[e + 1]];
    const len = Math.hypot(x[2 * j] - x[2 * i], x[2 * j + 1] - x[2 * i + 1]);
    for (const s of [0.5 - q, 0.5 + q]) {
      const gv = g(x[2 * i] + s * (x[2 * j] - x[2 * i]), x[2 * i + 1] + s * (x[2 * j + 1] - x[2 * i + 1]), t) * 0.5 * len;
      out[i] += (1 - s) * gv;
      out[j] += s * gv;
    }
  }
}

export function solveHeatRobinP1(mesh: TriMesh, opts: HeatRobinP1Options): P1Frame[] {
  const x = mesh.points.data,
    n = x.length / 2;
  const kappa = opts.kappa ?? 1;
  const frames = opts.frames ?? 1;
  if (!(opts.T > 0)) throw new RangeError(`solveHeatRobinP1: T must be positive, got ${opts.T}`);
  if (!(opts.dt > 0)) throw new RangeError(`solveHeatRobinP1: dt must be positive, got ${opts.dt}`);
  if (!(kappa >= 0)) throw new RangeError(`solveHeatRobinP1: kappa must be >= 0, got ${kappa}`);
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`solveHeatRobinP1: frames must be a positive integer, got ${frames}`);
  if (opts.u0 && opts.u0.length !== n) throw new RangeError(`solveHeatRobinP1: u0 must have ${n} node values, got ${opts.u0.length}`);
  const p = assembleHeatRobinP1(mesh, kappa);
  const perFrame = Math.ceil(opts.T / frames / opts.dt - 1e-9),
    steps = perFrame * frames,
    dt = opts.T / steps;
  const load = new Float64Array(n),
    fNodes = new Float64Array(n),
    Mf = new Float64Array(n),
    tmp = new Float64Array(n),
    rhs = new Float64Array(n);
  const diagM = new Float64Array(n),
    diagS = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = slot(p, i, i);
    diagM[i] = p.M[s];
    diagS[i] = p.S[s];
  }
  let prev: Float64Array = opts.u0 ? Float64Array.from(opts.u0) : new Float64Array(n);
  let prev2: Float64Array | null = null;
  const out: P1Frame[] = [];
  for (let step = 0; step < steps; step++) {
    const t1 = (step + 1) * dt;
    // BDF2: (3 u1 - 4 u0 + u_-1) / (2 dt); backward Euler on the first step
    const c = prev2 ? 1.5 / dt : 1 / dt;
    robinLoad(x, p.edges, opts.g, t1, load);
    if (opts.source) {
      for (let i = 0; i < n; i++) fNodes[i] = opts.source(x[2 * i], x[2 * i + 1], t1);
      spmv(p, p.M, fNodes, Mf);
    } else Mf.fill(0);
    if (prev2) for (let i = 0; i < n; i++) tmp[i] = (2 * prev[i] - 0.5 * prev2[i]) / dt;
    else for (let i = 0; i < n; i++) tmp[i] = prev[i] / dt;
    spmv(p, p.M, tmp, rhs);
    for (let i = 0; i < n; i++) rhs[i] += load[i] + Mf[i];
    const res = pcg((v, o) => spmv(p, p.M, v, o, c, 1, p.S), rhs, {
      preconditioner: (r, z) => {
        for (let i = 0; i < n; i++) z[i] = r[i] / (c * diagM[i] + diagS[i]);
      },
      tol: opts.tol ?? 1e-10,
      x0: prev,
    });
    if (!res.converged) throw new Error(`solveHeatRobinP1: CG did not converge at step ${step + 1} (t = ${t1})`);
    prev2 = prev;
    prev = res.x;
    if ((step + 1) % perFrame === 0) out.push({ t: t1, u: Float64Array.from(prev) });
  }
  return out;
}
