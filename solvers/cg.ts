// Preconditioned conjugate gradients for symmetric positive definite systems.

/** out = A x */
export type LinearMap = (x: Float64Array, out: Float64Array) => void;

export interface PcgOptions {
  /** z = M^-1 r; identity if omitted */
  preconditioner?: LinearMap;
  /** stop when ||r||_2 <= tol * ||b||_2 (default 1e-10) */
  tol?: number;
  maxIter?: number;
  x0?: Float64Array;
}

export interface PcgResult {
  x: Float64Array;
  iterations: number;
  converged: boolean;
  /** ||r_k||_2 / ||b||_2 for k = 0..iterations */
  residualHistory: number[];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function pcg(A: LinearMap, b: Float64Array, opts: PcgOptions = {}): PcgResult {
  const n = b.length;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 10 * n;
  if (!(tol > 0)) throw new RangeError(`pcg: tol must be positive, got ${tol}`);
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new RangeError(`pcg: maxIter must be a non-negative integer, got ${maxIter}`);
  if (opts.x0 && opts.x0.length !== n) throw new RangeError(`pcg: x0 must have length ${n}, got ${opts.x0.length}`);
  const x = opts.x0 ? Float64Array.from(opts.x0) : new Float64Array(n);
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  A(x, q);
  for (let i = 0; i < n; i++) r[i] = b[i] - q[i];
  const bNorm = Math.sqrt(dot(b, b)) || 1;
  const history = [Math.sqrt(dot(r, r)) / bNorm];
  const precondition = (src: Float64Array, dst: Float64Array) => (opts.preconditioner ? opts.preconditioner(src, dst) : dst.set(src));
  precondition(r, z);
  p.set(z);
  let rz = dot(r, z);
  let it = 0;
  while (history[it] > tol && it < maxIter) {
    A(p, q);
    const pq = dot(p, q);
    if (!(pq > 0)) throw new Error(`pcg: operator is not positive definite (p^T A p = ${pq} at iteration ${it})`);
    const alpha = rz / pq;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    it++;
    history.push(Math.sqrt(dot(r, r)) / bNorm);
    if (history[it] <= tol) break;
    precondition(r, z);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return { x, iterations: it, converged: history[it] <= tol, residualHistory: history };
}
