// Viscous 2-D Burgers u_t + u u_x + v u_y = nu lap u, v_t + u v_x + v v_y = nu lap v on a periodic square,
// finite volumes on an n x n grid: (u.grad) u split into the divergence of fluxes (Rusanov on van Leer MUSCL face
// states, second order where smooth, no new extrema at shocks the grid cannot resolve) and a central remainder,
// central second differences for the viscous terms, SSP-RK3 in time with a CFL-limited step.

export interface Burgers2dOptions {
  /** Nodes per side; node (i, j) at (x0 + i h, y0 + j h), h = length / n, index j n + i (x fastest). */
  n: number;
  /** Side of the periodic square. */
  length: number;
  nu: number;
  /** Output times (increasing, > 0); the solution is returned at each. */
  times: readonly number[];
  /** Courant number for advection (default 0.4). */
  cfl?: number;
}

export interface Burgers2dFrame {
  t: number;
  u: Float64Array;
  v: Float64Array;
}

/** van Leer-limited half slope of a cell from its two one-sided differences. */
function halfSlope(dl: number, dr: number): number {
  const p = dl * dr;
  return p > 0 ? p / (dl + dr) : 0;
}

/** MUSCL (van Leer) left and right states at face i + 1/2 from q[i-1], q[i], q[i+1], q[i+2]. */
function faceStates(qm: number, q0: number, qp: number, qpp: number): [number, number] {
  return [q0 + halfSlope(q0 - qm, qp - q0), qp - halfSlope(qp - q0, qpp - qp)];
}

/**
 * du, dv += -(u.grad) u + nu lap u, written as div of the fluxes F = (u^2/2, u v) in x and G = (u v, v^2/2) in y
 * (Rusanov fluxes on MUSCL face states: the Jacobians' eigenvalues are u, u and v, v) minus the remainders
 * u v_y and v u_x (central). Along x or y alone this is conservative Burgers, so shocks move at the
 * Rankine-Hugoniot speed whatever the grid smears them to; the advective (upwind) form does not.
 */
function burgersRhs(u: Float64Array, v: Float64Array, n: number, h: number, nu: number, du: Float64Array, dv: Float64Array): void {
  const inv = 1 / h;
  const visc = nu / (h * h);
  const at = (i: number, j: number): number => ((j + n) % n) * n + ((i + n) % n);
  // x faces: flux through face (i + 1/2, j) into cells i (out) and i + 1 (in)
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const a = at(i - 1, j),
        b = at(i, j),
        c = at(i + 1, j),
        d = at(i + 2, j);
      const [uL, uR] = faceStates(u[a], u[b], u[c], u[d]);
      const [vL, vR] = faceStates(v[a], v[b], v[c], v[d]);
      const s = Math.max(Math.abs(uL), Math.abs(uR));
      const fu = 0.25 * (uL * uL + uR * uR) - 0.5 * s * (uR - uL);
      const fv = 0.5 * (uL * vL + uR * vR) - 0.5 * s * (vR - vL);
      du[b] -= fu * inv;
      du[c] += fu * inv;
      dv[b] -= fv * inv;
      dv[c] += fv * inv;
    }
  // y faces
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const a = at(i, j - 1),
        b = at(i, j),
        c = at(i, j + 1),
        d = at(i, j + 2);
      const [uL, uR] = faceStates(u[a], u[b], u[c], u[d]);
      const [vL, vR] = faceStates(v[a], v[b], v[c], v[d]);
      const s = Math.max(Math.abs(vL), Math.abs(vR));
      const gu = 0.5 * (uL * vL + uR * vR) - 0.5 * s * (uR - uL);
      const gv = 0.25 * (vL * vL + vR * vR) - 0.5 * s * (vR - vL);
      du[b] -= gu * inv;
      du[c] += gu * inv;
      dv[b] -= gv * inv;
      dv[c] += gv * inv;
    }
  // remainders and viscosity
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const k = at(i, j),
        w = at(i - 1, j),
        e = at(i + 1, j),
        s = at(i, j - 1),
        nn = at(i, j + 1);
      du[k] += u[k] * (v[nn] - v[s]) * 0.5 * inv + visc * (u[w] + u[e] + u[s] + u[nn] - 4 * u[k]);
      dv[k] += v[k] * (u[e] - u[w]) * 0.5 * inv + visc * (v[w] + v[e] + v[s] + v[nn] - 4 * v[k]);
    }
}

/** Integrates from (u0, v0) at t = 0 to each of `times`; u0, v0 are n x n node values. */
export function solveBurgers2dPeriodic(u0: Float64Array, v0: Float64Array, opts: Burgers2dOptions): Burgers2dFrame[] {
  const { n, length, nu } = opts;
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`solveBurgers2dPeriodic: n must be an integer >= 4, got ${n}`);
  if (u0.length !== n * n || v0.length !== n * n) throw new RangeError(`solveBurgers2dPeriodic: u0 and v0 must have n*n = ${n * n} values`);
  if (!(nu >= 0)) throw new RangeError(`solveBurgers2dPeriodic: nu must be >= 0, got ${nu}`);
  if (!(length > 0)) throw new RangeError(`solveBurgers2dPeriodic: length must be positive, got ${length}`);
  opts.times.forEach((t, k) => {
    if (!(t > (k === 0 ? 0 : opts.times[k - 1])))
      throw new RangeError(`solveBurgers2dPeriodic: times must increase from > 0, got ${t} at ${k}`);
  });
  const h = length / n;
  const cfl = opts.cfl ?? 0.4;
  const N = n * n;
  const u = Float64Array.from(u0),
    v = Float64Array.from(v0);
  const u1 = new Float64Array(N),
    v1 = new Float64Array(N),
    du = new Float64Array(N),
    dv = new Float64Array(N);
  const rhs = (uu: Float64Array, vv: Float64Array): void => {
    du.fill(0);
    dv.fill(0);
    burgersRhs(uu, vv, n, h, nu, du, dv);
  };
  const frames: Burgers2dFrame[] = [];
  let t = 0;
  for (const target of opts.times) {
    while (t < target - 1e-14) {
      let speed = 0;
      for (let k = 0; k < N; k++) speed = Math.max(speed, Math.abs(u[k]) + Math.abs(v[k]));
      const dtAdv = speed > 0 ? (cfl * h) / speed : Number.POSITIVE_INFINITY;
      const dtVisc = nu > 0 ? (0.2 * h * h) / nu : Number.POSITIVE_INFINITY;
      const dt = Math.min(dtAdv, dtVisc, target - t);
      // SSP-RK3 (Shu-Osher)
      rhs(u, v);
      for (let k = 0; k < N; k++) {
        u1[k] = u[k] + dt * du[k];
        v1[k] = v[k] + dt * dv[k];
      }
      rhs(u1, v1);
      for (let k = 0; k < N; k++) {
        u1[k] = 0.75 * u[k] + 0.25 * (u1[k] + dt * du[k]);
        v1[k] = 0.75 * v[k] + 0.25 * (v1[k] + dt * dv[k]);
      }
      rhs(u1, v1);
      for (let k = 0; k < N; k++) {
        u[k] = u[k] / 3 + (2 / 3) * (u1[k] + dt * du[k]);
        v[k] = v[k] / 3 + (2 / 3) * (v1[k] + dt * dv[k]);
      }
      t += dt;
    }
    frames.push({ t: target, u: Float64Array.from(u), v: Float64Array.from(v) });
  }
  return frames;
}
