// Writes data/pinnacle/burgers2d.dat, the reference of bench/pinnacle/burgers2d-c.yaml (PINNacle Burgers2d-C,
// src/pde/burgers.py, class Burgers2D: nu = 0.001, periodic on [0, 4]^2, t in [0, 1]). Upstream's ref/burgers2d_0.dat is
// in no copy found, so the reference is ours. The initial state is upstream's generator, data/generate_functions.py:
// generate_burgers_2d_source_functions() after its seed_everything(20220722) (NumPy's legacy RNG, reproduced bit for bit
// by solvers/numpyRandom.ts):
//   u_ = sum_{i,j<4} A_ij sin(2 pi (i x + j y)) + B_ij cos(2 pi (i x + j y)) (A, B = randn(4, 4)), v_ likewise,
//   c = randn(2), s = 2 / max(u_, v_ over the 512 x 512 grid linspace(0, 4, 512)^2), u0 = s u_ + c0, v0 = s v_ + c1.
// It equals upstream's tables ref/burgers2d_init_{u,v}_0.dat (not in upstream's snapshot; a copy is in
// github.com/florentiner/PINNacle) to 1e-12, and seed 20220722 + k gives upstream's instance k (checked for k = 2 with
// its init table and k = 3 with COMSOL's t = 0 column of its ref/burgers2d_3.dat): test/bench/pinnacleP1a.test.ts.
// Solved by solvers/burgers2d.ts (finite volumes: Rusanov fluxes on MUSCL states, 512^2 cells, SSP-RK3); the 256^2 solution
// estimates the reference's own error. Written every 8th node (64 x 64) x 11 times (every 0.1): rows x y t u v.
// Usage: npx tsx examples/data/pinnacleBurgers2d.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveBurgers2dPeriodic, type Burgers2dFrame } from '../../solvers/burgers2d.js';
import { NumpyRandomState } from '../../solvers/numpyRandom.js';

export const BURGERS2D = { nu: 0.001, length: 4, T: 1, seed: 20220722 };
const K = 4;

export interface Burgers2dInitial {
  /** Per field: A (sin) and B (cos) coefficients, row-major K x K, index i K + j (i multiplies x). */
  coef: { u: { a: Float64Array; b: Float64Array }; v: { a: Float64Array; b: Float64Array } };
  scale: number;
  shift: [number, number];
}

const raw = (a: Float64Array, b: Float64Array, x: number, y: number): number => {
  let s = 0;
  for (let i = 0; i < K; i++)
    for (let j = 0; j < K; j++) {
      const w = 2 * Math.PI * (i * x + j * y);
      s += a[i * K + j] * Math.sin(w) + b[i * K + j] * Math.cos(w);
    }
  return s;
};

/** Upstream's initial state for the given seed (see the module comment). */
export function burgers2dInitial(seed = BURGERS2D.seed): Burgers2dInitial {
  const rng = new NumpyRandomState(seed);
  const u = { a: rng.randn(K * K), b: rng.randn(K * K) };
  const v = { a: rng.randn(K * K), b: rng.randn(K * K) };
  const c = rng.randn(2);
  const n = 512;
  let max = -Infinity;
  for (let r = 0; r < n; r++)
    for (let q = 0; q < n; q++) {
      const x = (BURGERS2D.length * q) / (n - 1),
        y = (BURGERS2D.length * r) / (n - 1);
      max = Math.max(max, raw(u.a, u.b, x, y), raw(v.a, v.b, x, y));
    }
  return { coef: { u, v }, scale: 2 / max, shift: [c[0], c[1]] };
}

/** u0 or v0 at (x, y). */
export function burgers2dInitialValue(init: Burgers2dInitial, field: 'u' | 'v', x: number, y: number): number {
  const { a, b } = init.coef[field];
  return init.scale * raw(a, b, x, y) + init.shift[field === 'u' ? 0 : 1];
}

/** The same as a mathjs expression in x, y (the YAML's initial condition). */
export function burgers2dInitialExpr(init: Burgers2dInitial, field: 'u' | 'v'): string {
  const { a, b } = init.coef[field];
  const terms: string[] = [];
  const num = (v: number): string => (init.scale * v).toPrecision(10);
  for (let i = 0; i < K; i++)
    for (let j = 0; j < K; j++) {
      const arg = `2*pi*(${i}*x + ${j}*y)`;
      if (i !== 0 || j !== 0) terms.push(`${num(a[i * K + j])}*sin(${arg})`);
      terms.push(i === 0 && j === 0 ? num(b[0]) : `${num(b[i * K + j])}*cos(${arg})`);
    }
  return `${init.shift[field === 'u' ? 0 : 1].toPrecision(10)} + ${terms.join(' + ')}`.replace(/\+ -/g, '- ');
}

/** The instance solved by solvers/burgers2d.ts on n^2 cells (viscosity nu): frames at t = 0 and at each of `times`. */
export function solveBurgers2dInstance(init: Burgers2dInitial, n: number, times: number[], nu = BURGERS2D.nu): Burgers2dFrame[] {
  const h = BURGERS2D.length / n;
  const u0 = new Float64Array(n * n),
    v0 = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      u0[j * n + i] = burgers2dInitialValue(init, 'u', i * h, j * h);
      v0[j * n + i] = burgers2dInitialValue(init, 'v', i * h, j * h);
    }
  return [{ t: 0, u: u0, v: v0 }, ...solveBurgers2dPeriodic(u0, v0, { n, length: BURGERS2D.length, nu, times })];
}

function main(): void {
  const init = burgers2dInitial();
  console.log(`scale ${init.scale}, shift ${init.shift.join(', ')}`);
  console.log(`u0: ${burgers2dInitialExpr(init, 'u')}`);
  console.log(`v0: ${burgers2dInitialExpr(init, 'v')}`);
  const times = Array.from({ length: 10 }, (_, k) => (k + 1) / 10);
  const n = 512;
  const fine = solveBurgers2dInstance(init, n, times);
  const coarse = solveBurgers2dInstance(init, n / 2, times);
  for (let s = 1; s < fine.length; s++) {
    let num = 0,
      den = 0;
    for (let j = 0; j < n / 2; j++)
      for (let i = 0; i < n / 2; i++)
        for (const f of ['u', 'v'] as const) {
          const a = fine[s][f][2 * j * n + 2 * i];
          num += (coarse[s][f][j * (n / 2) + i] - a) ** 2;
          den += a * a;
        }
    console.log(`t=${fine[s].t.toFixed(1)}: 256^2 vs 512^2 relative L2 (u, v jointly) ${Math.sqrt(num / den).toExponential(2)}`);
  }
  const lines = [
    '% Model: PINNacle Burgers2d-C, u_t + (u.grad) u = 0.001 lap u, periodic on [0, 4)^2; initial state of upstream generate_functions.py, seed 20220722',
    '% Source: fluxion solvers/burgers2d.ts (finite volumes: Rusanov fluxes on MUSCL states, 512^2 cells, SSP-RK3); examples/data/pinnacleBurgers2d.ts',
    '% x  y  t  u  v',
  ];
  const every = 8,
    h = BURGERS2D.length / n;
  for (const fr of fine)
    for (let j = 0; j < n; j += every)
      for (let i = 0; i < n; i += every) {
        const k = j * n + i;
        lines.push(`${i * h} ${j * h} ${fr.t.toFixed(1)} ${fr.u[k].toPrecision(7)} ${fr.v[k].toPrecision(7)}`);
      }
  const out = join(dirname(fileURLToPath(import.meta.url)), '../../data/pinnacle/burgers2d.dat');
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`wrote ${lines.length - 3} rows to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
