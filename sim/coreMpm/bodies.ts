/**
 * Initial particle sets for the learned-material experiments: a filled square or disc on a lattice of spacing dx/2
 * (MPM's usual 4 particles per cell in 2D, matching the default particle volume), moving with an affine velocity
 * field v = v0 + L (x - centre): translation plus a velocity gradient L whose symmetric part strains the body at once,
 * so the elastic response shows within a short horizon.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { Mulberry32 } from '../../core/random.js';

export interface Body2D {
  shape: 'square' | 'disc';
  centre: [number, number];
  /** side of the square or diameter of the disc */
  size: number;
  /** translation velocity */
  v0: [number, number];
  /** velocity gradient, row-major [L00, L01, L10, L11] */
  gradV: [number, number, number, number];
}

export interface Particles2D {
  n: number;
  /** [2, N] */
  x: Tensor;
  v: Tensor;
}

export function bodyParticles(b: Body2D, nGrid: number): Particles2D {
  const h = 1 / (2 * nGrid);
  const m = Math.floor(b.size / h);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const dx = (i + 0.5) * h - (m * h) / 2;
      const dy = (j + 0.5) * h - (m * h) / 2;
      if (b.shape === 'disc' && dx * dx + dy * dy > (b.size / 2) ** 2) continue;
      xs.push(b.centre[0] + dx);
      ys.push(b.centre[1] + dy);
    }
  }
  const n = xs.length;
  const [L00, L01, L10, L11] = b.gradV;
  const vx = xs.map((x, p) => b.v0[0] + L00 * (x - b.centre[0]) + L01 * (ys[p] - b.centre[1]));
  const vy = xs.map((x, p) => b.v0[1] + L10 * (x - b.centre[0]) + L11 * (ys[p] - b.centre[1]));
  return { n, x: fx.tensor([...xs, ...ys], [2, n], 'f64'), v: fx.tensor([...vx, ...vy], [2, n], 'f64') };
}

/** Particles on a lattice (optionally jittered) filling [x0, x0 + w] x [y0, y0 + h]. */
export function blockParticles2D(nx: number, ny: number, x0: number, y0: number, w: number, h: number, jitterSeed?: number): Float64Array {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1)
    throw new Error(`blockParticles2D: nx, ny must be positive integers, got ${nx}, ${ny}`);
  const rng = jitterSeed === undefined ? null : new Mulberry32(jitterSeed);
  const out = new Float64Array(2 * nx * ny);
  let k = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const jx = rng ? 0.3 * (rng.next() - 0.5) : 0,
        jy = rng ? 0.3 * (rng.next() - 0.5) : 0;
      out[k++] = x0 + ((i + 0.5 + jx) * w) / nx;
      out[k++] = y0 + ((j + 0.5 + jy) * h) / ny;
    }
  }
  return out;
}
