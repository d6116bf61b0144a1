// Viscous 2-D Burgers u_t + u u_x + v u_y = nu lap u, v_t + u v_x + v v_y = nu lap v on a periodic square,
// finite differences on an n x n node grid: the advection terms upwind by the local velocity with van Leer-limited
// MUSCL face values (second order where smooth, no new extrema at shocks that the grid cannot resolve), central
// second differences for the viscous terms, SSP-RK3 in time with a CFL-limited step.

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

/** Adds -(a q_x + b q_y) + nu lap q at every node to `out` (periodic). */
function advectDiffuse(q: Float64Array, a: Float64Array, b: Float64Array, n: number, h: number, nu: number, out: Float64Array): void {
  const inv = 1 / h;
  const visc = nu / (h * h);
  for (let j = 0; j < n; j++) {
    const jm = ((j - 1 + n) % n) * n,
      jm2 = ((j - 2 + n) % n) * n,
      jp = ((j + 1) % n) * n,
      jp2 = ((j + 2) % n) * n,
      j0 = j * n;
    for (let i = 0; i < n; i++) {
      const im = (i - 1 + n) % n,
        im2 = (i - 2 + n) % n,
        ip = (i + 1) % n,
        ip2 = (i + 2) % n;
      const id = j0 + i;
      const c = q[id];
      // x direction
      const xl = q[j0 + im],
        xll = q[j0 + im2],
        xr = q[j0 + ip],
        xrr = q[j0 + ip2];
      let qx: number;
      const ai = a[id];
      if (ai >= 0) {
        // left states at i + 1/2 and i - 1/2
        const fp = c + halfSlope(c - xl, xr - c);
        const fm = xl + halfSlope(xl - xll, c - xl);
        qx = (fp - fm) * inv;
      } else {
        // right states at i + 1/2 and i - 1/2
        const fp = xr - halfSlope(xr - c, xrr - xr);
        const fm = c - halfSlope(c - xl, xr - c);
        qx = (fp - fm) * inv;
      }
      // y direction
      const yl = q[jm + i],
        yll = q[jm2 + i],
        yr = q[jp + i],
        yrr = q[jp2 + i];
      let qy: number;
      const bi = b[id];
      if (bi >= 0) {
        const fp = c + halfSlope(c - yl, yr - c);
        const fm = yl + halfSlope(yl - yll, c - yl);
        qy = (fp - fm) * inv;
      } else {
        const fp = yr - halfSlope(yr - c, yrr - yr);
        const fm = c - halfSlope(c - yl, yr - c);
        qy = (fp - fm) * inv;
      }
      out[id] += -(ai * qx + bi * qy) + visc * (xl + xr + yl + yr - 4 * c);
    }
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
    advectDiffuse(uu, uu, vv, n, h, nu, du);
    advectDiffuse(vv, uu, vv, n, h, nu, dv);
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
