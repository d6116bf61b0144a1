// Incompressible Navier-Stokes u_t + (u.grad) u + grad p = nu lap u + f, div u = 0 in the channel
// [0, lx] x [0, ly]: prescribed inflow u = g(y, t), v = 0 at x = 0, no slip at y = 0 and y = ly, outflow p = 0 and
// du/dx = dv/dx = 0 at x = lx. Marker-and-cell grid (u on vertical faces, v on horizontal faces, p at centres),
// central differences, Heun's RK2 with a Chorin projection after each stage. The pressure Poisson problem
// (Neumann at the inflow and walls, Dirichlet at the outflow) is solved directly: a cosine transform in y
// diagonalizes it, leaving one tridiagonal system in x per mode.
import { solveTridiagonal } from './tridiagonal.js';

export interface ChannelFlowOptions {
  lx: number;
  ly: number;
  /** cells per axis */
  nx: number;
  ny: number;
  nu: number;
  /** inflow u(0, y, t) */
  inflow: (y: number, t: number) => number;
  /** body force (fx, fy) at (x, y, t) */
  force?: (x: number, y: number, t: number) => [number, number];
  T: number;
  dt: number;
  /** record this many evenly spaced snapshots at t = T i / snapshots, i = 1..snapshots */
  snapshots?: number;
}

/** Cell-centred fields, row-major ny x nx (row = y index). */
export interface ChannelFlowFrame {
  t: number;
  u: Float64Array;
  v: Float64Array;
  p: Float64Array;
}

export function solveChannelFlow(o: ChannelFlowOptions): { frames: ChannelFlowFrame[]; dt: number; steps: number } {
  const { nx, ny, nu } = o;
  const hx = o.lx / o.nx,
    hy = o.ly / o.ny;
  const U = (nx + 1) * ny,
    V = nx * (ny + 1),
    P = nx * ny;
  const ui = (i: number, j: number): number => j * (nx + 1) + i; // u face i = 0..nx, row j = 0..ny-1
  const vi = (i: number, j: number): number => j * nx + i; // v face row j = 0..ny, column i = 0..nx-1
  const snaps = o.snapshots ?? 0;
  const per = snaps > 0 ? Math.ceil(o.T / snaps / o.dt) : 0;
  const steps = snaps > 0 ? per * snaps : Math.ceil(o.T / o.dt - 1e-9);
  const dt = o.T / steps;
  // pressure solver: cosine modes in y (Neumann), tridiagonal in x (Neumann left, Dirichlet p = 0 right)
  const cosm = new Float64Array(ny * ny);
  for (let k = 0; k < ny; k++)
    for (let j = 0; j < ny; j++) cosm[k * ny + j] = Math.cos((Math.PI * k * (j + 0.5)) / ny) * (k === 0 ? 1 / ny : 2 / ny);
  const lam = Float64Array.from({ length: ny }, (_, k) => (2 * Math.cos((Math.PI * k) / ny) - 2) / (hy * hy));
  const modes = new Float64Array(ny * nx);
  const sub = new Float64Array(nx),
    diag = new Float64Array(nx),
    sup = new Float64Array(nx),
    rhs = new Float64Array(nx);
  const poisson = (b: Float64Array, p: Float64Array): void => {
    modes.fill(0);
    for (let k = 0; k < ny; k++)
      for (let j = 0; j < ny; j++) {
        const w = cosm[k * ny + j];
        for (let i = 0; i < nx; i++) modes[k * nx + i] += w * b[j * nx + i];
      }
    p.fill(0);
    for (let k = 0; k < ny; k++) {
      for (let i = 0; i < nx; i++) {
        sub[i] = i > 0 ? 1 / (hx * hx) : 0;
        sup[i] = i < nx - 1 ? 1 / (hx * hx) : 0;
        diag[i] = -2 / (hx * hx) + lam[k] + (i === 0 ? 1 / (hx * hx) : 0) + (i === nx - 1 ? -1 / (hx * hx) : 0);
        rhs[i] = modes[k * nx + i];
      }
      const x = solveTridiagonal(sub, diag, sup, rhs);
      for (let j = 0; j < ny; j++) {
        const w = Math.cos((Math.PI * k * (j + 0.5)) / ny);
        for (let i = 0; i < nx; i++) p[j * nx + i] += w * x[i];
      }
    }
  };
  const setBoundary = (u: Float64Array, v: Float64Array, t: number): void => {
    for (let j = 0; j < ny; j++) {
      u[ui(0, j)] = o.inflow((j + 0.5) * hy, t);
      u[ui(nx, j)] = u[ui(nx - 1, j)]; // outflow: du/dx = 0
    }
    for (let i = 0; i < nx; i++) {
      v[vi(i, 0)] = 0;
      v[vi(i, ny)] = 0;
    }
  };
  // ghost values: u below/above the walls reflect (no slip), v left of the inflow reflects (v = 0), right copies
  const uAt = (u: Float64Array, i: number, j: number): number => (j < 0 ? -u[ui(i, 0)] : j >= ny ? -u[ui(i, ny - 1)] : u[ui(i, j)]);
  const vAt = (v: Float64Array, i: number, j: number): number => (i < 0 ? -v[vi(0, j)] : i >= nx ? v[vi(nx - 1, j)] : v[vi(i, j)]);
  const rhsU = new Float64Array(U),
    rhsV = new Float64Array(V);
  const tendency = (u: Float64Array, v: Float64Array, t: number): void => {
    for (let j = 0; j < ny; j++)
      for (let i = 1; i < nx; i++) {
        const uc = u[ui(i, j)];
        const ue = 0.5 * (uc + u[ui(i + 1, j)]),
          uw = 0.5 * (uc + u[ui(i - 1, j)]);
        const un = 0.5 * (uc + uAt(u, i, j + 1)),
          us = 0.5 * (uc + uAt(u, i, j - 1));
        const vn = 0.5 * (v[vi(i - 1, j + 1)] + v[vi(i, j + 1)]),
          vs = 0.5 * (v[vi(i - 1, j)] + v[vi(i, j)]);
        const adv = (ue * ue - uw * uw) / hx + (un * vn - us * vs) / hy;
        const lap = (u[ui(i + 1, j)] - 2 * uc + u[ui(i - 1, j)]) / (hx * hx) + (uAt(u, i, j + 1) - 2 * uc + uAt(u, i, j - 1)) / (hy * hy);
        const f = o.force ? o.force(i * hx, (j + 0.5) * hy, t)[0] : 0;
        rhsU[ui(i, j)] = -adv + nu * lap + f;
      }
    for (let j = 1; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const vc = v[vi(i, j)];
        const vn = 0.5 * (vc + v[vi(i, j + 1)]),
          vs = 0.5 * (vc + v[vi(i, j - 1)]);
        const ve = 0.5 * (vc + vAt(v, i + 1, j)),
          vw = 0.5 * (vc + vAt(v, i - 1, j));
        const ue = 0.5 * (u[ui(i + 1, j - 1)] + u[ui(i + 1, j)]),
          uw = 0.5 * (u[ui(i, j - 1)] + u[ui(i, j)]);
        const adv = (ue * ve - uw * vw) / hx + (vn * vn - vs * vs) / hy;
        const lap = (vAt(v, i + 1, j) - 2 * vc + vAt(v, i - 1, j)) / (hx * hx) + (v[vi(i, j + 1)] - 2 * vc + v[vi(i, j - 1)]) / (hy * hy);
        const f = o.force ? o.force((i + 0.5) * hx, j * hy, t)[1] : 0;
        rhsV[vi(i, j)] = -adv + nu * lap + f;
      }
  };
  const div = new Float64Array(P),
    phi = new Float64Array(P);
  // makes (u, v) divergence-free (the correction h grad phi does not depend on h)
  const project = (u: Float64Array, v: Float64Array, h: number, t: number): void => {
    setBoundary(u, v, t);
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        div[j * nx + i] = ((u[ui(i + 1, j)] - u[ui(i, j)]) / hx + (v[vi(i, j + 1)] - v[vi(i, j)]) / hy) / h;
      }
    poisson(div, phi);
    for (let j = 0; j < ny; j++) for (let i = 1; i < nx; i++) u[ui(i, j)] -= (h * (phi[j * nx + i] - phi[j * nx + i - 1])) / hx;
    // outflow face: p = 0 beyond it (ghost -phi)
    for (let j = 0; j < ny; j++) u[ui(nx, j)] -= (h * (-2 * phi[j * nx + nx - 1])) / hx;
    for (let j = 1; j < ny; j++) for (let i = 0; i < nx; i++) v[vi(i, j)] -= (h * (phi[j * nx + i] - phi[(j - 1) * nx + i])) / hy;
  };
  let u = new Float64Array(U),
    v = new Float64Array(V);
  const u1 = new Float64Array(U),
    v1 = new Float64Array(V),
    ku = new Float64Array(U),
    kv = new Float64Array(V);
  setBoundary(u, v, 0);
  const frames: ChannelFlowFrame[] = [];
  const p = new Float64Array(P);
  for (let s = 1; s <= steps; s++) {
    const t = (s - 1) * dt;
    tendency(u, v, t);
    ku.set(rhsU);
    kv.set(rhsV);
    for (let k = 0; k < U; k++) u1[k] = u[k] + dt * ku[k];
    for (let k = 0; k < V; k++) v1[k] = v[k] + dt * kv[k];
    project(u1, v1, dt, t + dt);
    tendency(u1, v1, t + dt);
    for (let k = 0; k < U; k++) u1[k] = u[k] + 0.5 * dt * (ku[k] + rhsU[k]);
    for (let k = 0; k < V; k++) v1[k] = v[k] + 0.5 * dt * (kv[k] + rhsV[k]);
    project(u1, v1, 0.5 * dt, t + dt);
    [u, v] = [Float64Array.from(u1), Float64Array.from(v1)];
    if (snaps > 0 && s % per === 0) {
      // pressure at t + dt: one more projection of the tendency (p solves lap p = div(rhs))
      // Neumann data: at the inflow p_x = rhs_u - g_t (enters as the face flux g_t), at the walls p_y = rhs_v (v = 0);
      // at the outflow face the tendency is extrapolated (du/dx = 0)
      tendency(u, v, t + dt);
      const eps = 1e-6 * Math.max(1, o.T);
      for (let j = 0; j < ny; j++) {
        rhsU[ui(0, j)] = (o.inflow((j + 0.5) * hy, t + dt + eps) - o.inflow((j + 0.5) * hy, t + dt - eps)) / (2 * eps);
        rhsU[ui(nx, j)] = rhsU[ui(nx - 1, j)];
      }
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          div[j * nx + i] = (rhsU[ui(i + 1, j)] - rhsU[ui(i, j)]) / hx + (rhsV[vi(i, j + 1)] - rhsV[vi(i, j)]) / hy;
        }
      poisson(div, p);
      frames.push(centred(u, v, p, nx, ny, s * dt));
    }
  }
  return { frames, dt, steps };
}

function centred(u: Float64Array, v: Float64Array, p: Float64Array, nx: number, ny: number, t: number): ChannelFlowFrame {
  const uc = new Float64Array(nx * ny),
    vc = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      uc[j * nx + i] = 0.5 * (u[j * (nx + 1) + i] + u[j * (nx + 1) + i + 1]);
      vc[j * nx + i] = 0.5 * (v[j * nx + i] + v[(j + 1) * nx + i]);
    }
  return { t, u: uc, v: vc, p: Float64Array.from(p) };
}
