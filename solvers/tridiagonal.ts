// Thomas algorithm for tridiagonal systems (no pivoting: intended for diagonally dominant
// or SPD matrices such as 1D diffusion operators).

/**
 * Solves lower[i] x[i-1] + diag[i] x[i] + upper[i] x[i+1] = rhs[i] (lower[0], upper[N-1] unused).
 */
export function solveTridiagonal(lower: Float64Array, diag: Float64Array, upper: Float64Array, rhs: Float64Array): Float64Array {
  const N = diag.length;
  for (const [name, arr] of [
    ['lower', lower],
    ['upper', upper],
    ['rhs', rhs],
  ] as const) {
    if (arr.length !== N) throw new RangeError(`solveTridiagonal: ${name} must have length ${N} like diag, got ${arr.length}`);
  }
  const c = new Float64Array(N);
  const x = new Float64Array(N);
  let denom = diag[0];
  if (denom === 0) throw new Error('solveTridiagonal: zero pivot at row 0');
  c[0] = upper[0] / denom;
  x[0] = rhs[0] / denom;
  for (let i = 1; i < N; i++) {
    denom = diag[i] - lower[i] * c[i - 1];
    if (denom === 0) throw new Error(`solveTridiagonal: zero pivot at row ${i}`);
    c[i] = upper[i] / denom;
    x[i] = (rhs[i] - lower[i] * x[i - 1]) / denom;
  }
  for (let i = N - 2; i >= 0; i--) x[i] -= c[i] * x[i + 1];
  return x;
}

/**
 * Solver for the constant-coefficient Dirichlet system on nodes 0..n (1D diffusion stencils):
 * interior rows -off u[i-1] + diag u[i] - off u[i+1] = rhs[i-1] for i = 1..n-1, u[0] = left,
 * u[n] = right. The returned function adds the boundary terms to `rhs` (length n-1, modified
 * in place) and returns all n+1 node values.
 */
export function dirichletTridiagonal(
  n: number,
  off: number,
  diag: number,
): (rhs: Float64Array, left: number, right: number) => Float64Array {
  const m = n - 1;
  const lower = new Float64Array(m).fill(-off);
  const upper = new Float64Array(m).fill(-off);
  const main = new Float64Array(m).fill(diag);
  return (rhs, left, right) => {
    rhs[0] += off * left;
    rhs[m - 1] += off * right;
    const u = new Float64Array(n + 1);
    u.set(solveTridiagonal(lower, main, upper, rhs), 1);
    u[0] = left;
    u[n] = right;
    return u;
  };
}
