// 2D wave equation u_tt = c(x, y) lap u on a rectangle with homogeneous Neumann walls, u_t(., 0) = 0:
// second-order finite differences on the (nx + 1) x (ny + 1) nodes (walls by mirror ghost nodes) and leapfrog in
// time, u^{n+1} = 2 u^n - u^{n-1} + dt^2 c lap_h u^n, started by the Taylor step u^1 = u^0 + dt^2/2 c lap_h u^0.
// Stable for dt sqrt(max c) sqrt(1/hx^2 + 1/hy^2) < 1 (checked).

export interface Wave2dOptions {
  /** cells per axis */
  nx: number;
  ny: number;
  /** domain [x0, x1] x [y0, y1] */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  T: number;
  dt: number;
  /** record this many evenly spaced snapshots at t = T i / snapshots, i = 1..snapshots */
  snapshots?: number;
}

export interface Wave2dResult {
  u: Float64Array;
  dt: number;
  steps: number;
  snapshots: { t: number; u: Float64Array }[];
}

/** u0, c: row-major (ny + 1) x (nx + 1) node values (row = y index). */
export function solveWave2dNeumann(u0: Float64Array, c: Float64Array, o: Wave2dOptions): Wave2dResult {
  const W = o.nx + 1,
    H = o.ny + 1,
    m = W * H;
  if (u0.length !== m || c.length !== m)
    throw new RangeError(`solveWave2dNeumann: u0 and c must have (nx+1)(ny+1) = ${m} values, got ${u0.length}, ${c.length}`);
  const hx = (o.x1 - o.x0) / o.nx,
    hy = (o.y1 - o.y0) / o.ny;
  const snaps = o.snapshots ?? 0;
  const per = snaps > 0 ? Math.ceil(o.T / snaps / o.dt) : 0;
  const steps = snaps > 0 ? per * snaps : Math.ceil(o.T / o.dt - 1e-9);
  const dt = o.T / steps;
  const cmax = c.reduce((a, b) => Math.max(a, b), 0);
  const courant = dt * Math.sqrt(cmax) * Math.sqrt(1 / hx ** 2 + 1 / hy ** 2);
  if (!(courant < 1)) throw new RangeError(`solveWave2dNeumann: unstable step, Courant number ${courant.toFixed(3)} >= 1 (lower dt)`);
  const ix2 = 1 / hx ** 2,
    iy2 = 1 / hy ** 2;
  const lap = (u: Float64Array, out: Float64Array): void => {
    for (let j = 0; j < H; j++) {
      const jm = j === 0 ? 1 : j - 1,
        jp = j === H - 1 ? H - 2 : j + 1;
      for (let i = 0; i < W; i++) {
        const im = i === 0 ? 1 : i - 1,
          ip = i === W - 1 ? W - 2 : i + 1;
        const k = j * W + i;
        out[k] = (u[j * W + im] - 2 * u[k] + u[j * W + ip]) * ix2 + (u[jm * W + i] - 2 * u[k] + u[jp * W + i]) * iy2;
      }
    }
  };
  let prev = Float64Array.from(u0);
  let cur = new Float64Array(m);
  let next = new Float64Array(m);
  const L = new Float64Array(m);
  lap(prev, L);
  for (let k = 0; k < m; k++) cur[k] = prev[k] + 0.5 * dt * dt * c[k] * L[k];
  const snapshots: Wave2dResult['snapshots'] = [];
  const record = (s: number, u: Float64Array): void => {
    if (snaps > 0 && s % per === 0) snapshots.push({ t: s * dt, u: Float64Array.from(u) });
  };
  record(1, cur);
  for (let s = 2; s <= steps; s++) {
    lap(cur, L);
    for (let k = 0; k < m; k++) next[k] = 2 * cur[k] - prev[k] + dt * dt * c[k] * L[k];
    [prev, cur, next] = [cur, next, prev];
    record(s, cur);
  }
  return { u: cur, dt, steps, snapshots };
}
