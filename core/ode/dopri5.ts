// Dormand-Prince 5(4) with adaptive steps on Float64Arrays (the method of scipy's RK45 and torchdiffeq's
// dopri5): the host integrator behind fx.odeint. Integrates forwards or backwards in time.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const B5 = A[6].concat([0]);
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];
const E = B5.map((b, i) => b - B4[i]);

export type Rhs = (t: number, y: Float64Array) => Float64Array;
export interface Tolerances {
  rtol: number;
  atol: number;
  /** give up (throw) after this many steps on one interval */
  maxSteps?: number;
}
export interface Dopri5Stats {
  steps: number;
  rejected: number;
  evaluations: number;
}

/** y(t1) from y(t0) = y0; `stats` (if given) accumulates the work done. */
export function dopri5(f: Rhs, y0: Float64Array, t0: number, t1: number, tol: Tolerances, stats?: Dopri5Stats): Float64Array {
  const n = y0.length;
  let y = Float64Array.from(y0);
  if (t1 === t0) return y;
  const dir = Math.sign(t1 - t0);
  let t = t0;
  let h = dir * Math.min(Math.abs(t1 - t0), 1e-2 * Math.max(1, Math.abs(t1 - t0)));
  const k: Float64Array[] = [];
  let fsal: Float64Array | null = null;
  const maxSteps = tol.maxSteps ?? 100_000;
  for (let step = 0; dir * (t1 - t) > 0; step++) {
    if (step >= maxSteps) throw new Error(`odeint: more than ${maxSteps} steps between t = ${t0} and ${t1} (stiff or diverging?)`);
    if (dir * (t + h - t1) > 0) h = t1 - t;
    k[0] = fsal ?? f(t, y);
    for (let s = 1; s < 7; s++) {
      const ys = Float64Array.from(y);
      for (let j = 0; j < s; j++) if (A[s][j] !== 0) for (let i = 0; i < n; i++) ys[i] += h * A[s][j] * k[j][i];
      k[s] = f(t + C[s] * h, ys);
    }
    const next = new Float64Array(n);
    let err = 0;
    for (let i = 0; i < n; i++) {
      let dy = 0;
      let e = 0;
      for (let s = 0; s < 7; s++) {
        dy += B5[s] * k[s][i];
        e += E[s] * k[s][i];
      }
      next[i] = y[i] + h * dy;
      const scale = tol.atol + tol.rtol * Math.max(Math.abs(y[i]), Math.abs(next[i]));
      err += ((h * e) / scale) ** 2;
    }
    err = Math.sqrt(err / Math.max(n, 1));
    if (stats) stats.evaluations += 6 + (fsal ? 0 : 1);
    if (!Number.isFinite(err)) throw new Error(`odeint: the solution is not finite near t = ${t}`);
    if (err <= 1) {
      t += h;
      y = next;
      fsal = k[6]; // first same as last: the next step's first stage
      if (stats) stats.steps++;
    } else {
      fsal = k[0];
      if (stats) stats.rejected++;
    }
    const factor = err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * err ** -0.2));
    h *= factor;
  }
  return y;
}
