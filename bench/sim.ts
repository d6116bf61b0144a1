/**
 * Simulator throughput. Run: npx tsx bench/sim.ts
 * - 2D MLS-MPM forward particle-steps/s (fixed-corotated, 8192 particles, 64^2 and 128^2 grids),
 *   against a naive port of the 88-line MLS-MPM written with number[][] matrices (peer) and an
 *   estimated flop rate; forward+backward / forward cost ratio.
 * Mass-spring (the core program beside the hand-written oracle) is in bench/massSpringCore.ts.
 * The machine has 2 cores shared with other developers: numbers are noisy (best of repeats).
 */
import { Mpm2D } from '../test/sim/oracle/mpm/mpm2d.js';
import { Mpm3D } from '../test/sim/oracle/mpm/mpm3d.js';
import { blockParticles2D } from '../sim/coreMpm/bodies.js';
import { reverseThroughTime, rollout } from '../sim/checkpoint.js';
import { best } from './timing.js';

/** Naive peer: the 88-line MLS-MPM structure with nested arrays and small matrix helpers. */
function naiveMpmStep(
  x: number[][],
  v: number[][],
  C: number[][][],
  F: number[][][],
  nG: number,
  dt: number,
  mu: number,
  la: number,
  vol: number,
  m: number,
  gravity: number,
): void {
  const dx = 1 / nG,
    invDx = nG;
  const grid: number[][][] = Array.from({ length: nG }, () => Array.from({ length: nG }, () => [0, 0, 0]));
  const mul = (a: number[][], b: number[][]): number[][] => [
    [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
    [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
  ];
  const tr = (a: number[][]): number[][] => [
    [a[0][0], a[1][0]],
    [a[0][1], a[1][1]],
  ];
  for (let p = 0; p < x.length; p++) {
    const base = x[p].map((c) => Math.floor(c * invDx - 0.5));
    const fx = x[p].map((c, d) => c * invDx - base[d]);
    const w = [fx.map((f) => 0.5 * (1.5 - f) ** 2), fx.map((f) => 0.75 - (f - 1) ** 2), fx.map((f) => 0.5 * (f - 0.5) ** 2)];
    const f = F[p];
    const J = f[0][0] * f[1][1] - f[0][1] * f[1][0];
    const th = Math.atan2(f[1][0] - f[0][1], f[0][0] + f[1][1]);
    const R = [
      [Math.cos(th), -Math.sin(th)],
      [Math.sin(th), Math.cos(th)],
    ];
    const A = [
      [f[0][0] - R[0][0], f[0][1] - R[0][1]],
      [f[1][0] - R[1][0], f[1][1] - R[1][1]],
    ];
    const PF = mul(A, tr(f)).map((row, i) => row.map((c, j) => 2 * mu * c + (i === j ? la * J * (J - 1) : 0)));
    const k = -dt * vol * 4 * invDx * invDx;
    const aff = PF.map((row, i) => row.map((c, j) => k * c + m * C[p][i][j]));
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dpos = [(i - fx[0]) * dx, (j - fx[1]) * dx];
        const wt = w[i][0] * w[j][1];
        const g = grid[base[0] + i][base[1] + j];
        g[0] += wt * (m * v[p][0] + aff[0][0] * dpos[0] + aff[0][1] * dpos[1]);
        g[1] += wt * (m * v[p][1] + aff[1][0] * dpos[0] + aff[1][1] * dpos[1]);
        g[2] += wt * m;
      }
  }
  for (const col of grid)
    for (const g of col)
      if (g[2] > 0) {
        g[0] /= g[2];
        g[1] = g[1] / g[2] + dt * gravity;
      }
  for (let p = 0; p < x.length; p++) {
    const base = x[p].map((c) => Math.floor(c * invDx - 0.5));
    const fx = x[p].map((c, d) => c * invDx - base[d]);
    const w = [fx.map((f) => 0.5 * (1.5 - f) ** 2), fx.map((f) => 0.75 - (f - 1) ** 2), fx.map((f) => 0.5 * (f - 0.5) ** 2)];
    const nv = [0, 0];
    const nC = [
      [0, 0],
      [0, 0],
    ];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dpos = [(i - fx[0]) * dx, (j - fx[1]) * dx];
        const wt = w[i][0] * w[j][1];
        const g = grid[base[0] + i][base[1] + j];
        for (let a = 0; a < 2; a++) {
          nv[a] += wt * g[a];
          for (let b = 0; b < 2; b++) nC[a][b] += 4 * invDx * invDx * wt * g[a] * dpos[b];
        }
      }
    v[p] = nv;
    C[p] = nC;
    x[p] = [x[p][0] + dt * nv[0], x[p][1] + dt * nv[1]];
    F[p] = mul(
      [
        [1 + dt * nC[0][0], dt * nC[0][1]],
        [dt * nC[1][0], 1 + dt * nC[1][1]],
      ],
      F[p],
    );
  }
}

// Rough flop count per particle-step of Mpm2D.forward (fixed-corotated): weights 20, stress
// (polar + tau) ~45, P2G 9 x 14, G2P 9 x 12 + C/F update ~ 30.
const FLOPS_PER_PARTICLE_STEP = 330;

function benchMpm(nGrid: number, nParticles: number, steps: number): void {
  const side = Math.round(Math.sqrt(nParticles));
  const pos = blockParticles2D(side, side, 0.2, 0.2, 0.5, 0.5, 1);
  const n = pos.length / 2;
  const opts = { nGrid, nParticles: n, dt: 1e-4, E: 1000, nu: 0.2, gravity: -9.8 };
  const sim = new Mpm2D(opts);
  const s0 = sim.initialState(pos);
  rollout(sim, s0, 5); // warm-up
  const tf = best(3, () => rollout(sim, s0, steps));
  const rate = (n * steps) / tf;
  const loss = (t: number, _s: Float64Array, g: Float64Array): number => {
    if (t !== steps) return 0;
    for (let i = 0; i < 2 * n; i++) g[i] += 1;
    return 0;
  };
  reverseThroughTime(sim, s0, 3, loss, 'all'); // warm-up
  const tfb = best(2, () => reverseThroughTime(sim, s0, steps, loss, 'all'));
  const tfbSqrt = best(1, () => reverseThroughTime(sim, s0, steps, loss, 'sqrt'));
  // naive peer
  const x = Array.from({ length: n }, (_, p) => [pos[2 * p], pos[2 * p + 1]]);
  const v = Array.from({ length: n }, () => [0, 0]);
  const C = Array.from({ length: n }, () => [
    [0, 0],
    [0, 0],
  ]);
  const F = Array.from({ length: n }, () => [
    [1, 0],
    [0, 1],
  ]);
  const mu = 1000 / 2.4,
    la = 200 / (1.2 * 0.6);
  const peerSteps = Math.max(2, Math.floor(steps / 5));
  const tn = best(2, () => {
    for (let t = 0; t < peerSteps; t++) naiveMpmStep(x, v, C, F, nGrid, 1e-4, mu, la, sim.opts.particleVolume, sim.pMass, -9.8);
  });
  const naiveRate = (n * peerSteps) / tn;
  console.log(`MPM 2D ${n} particles, ${nGrid}^2 grid, ${steps} steps:`);
  console.log(
    `  forward ${(rate / 1e6).toFixed(2)} M particle-steps/s (${((rate * FLOPS_PER_PARTICLE_STEP) / 1e9).toFixed(2)} GFLOP/s est.; target >= 5M)`,
  );
  console.log(`  naive number[][] peer ${(naiveRate / 1e6).toFixed(2)} M particle-steps/s -> ours is ${(rate / naiveRate).toFixed(1)}x`);
  console.log(`  forward+backward / forward: ${(tfb / tf).toFixed(2)} (store all), ${(tfbSqrt / tf).toFixed(2)} (sqrt checkpoints)`);
}

function benchMpm3D(nGrid: number, side: number, steps: number): void {
  const pos = new Float64Array(3 * side ** 3);
  let q = 0;
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++)
      for (let k = 0; k < side; k++) {
        pos[q++] = 0.3 + (0.4 * (i + 0.5)) / side;
        pos[q++] = 0.3 + (0.4 * (j + 0.5)) / side;
        pos[q++] = 0.3 + (0.4 * (k + 0.5)) / side;
      }
  const n = side ** 3;
  for (const material of ['neoHookean', 'fixedCorotated'] as const) {
    const sim = new Mpm3D({ nGrid, nParticles: n, dt: 1e-4, E: 1000, nu: 0.2, material });
    const s0 = sim.initialState(pos);
    rollout(sim, s0, 2);
    const tf = best(2, () => rollout(sim, s0, steps));
    const loss = (t: number, _s: Float64Array, g: Float64Array): number => {
      if (t === steps) g.fill(1, 0, 3 * n);
      return 0;
    };
    const tfb = best(1, () => reverseThroughTime(sim, s0, steps, loss, 'sqrt'));
    console.log(
      `MPM 3D ${material} ${n} particles, ${nGrid}^3 grid: forward ${((n * steps) / tf / 1e6).toFixed(2)} M particle-steps/s, forward+backward / forward ${(tfb / tf).toFixed(2)}`,
    );
  }
}

benchMpm(64, 8192, 100);
benchMpm(128, 8192, 100);
benchMpm3D(32, 20, 20);
