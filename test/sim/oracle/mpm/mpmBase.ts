/**
 * The hand-written MLS-MPM (Float64 loops with hand-written adjoints): the test oracle of the core simulator
 * (sim/coreMpm). What Mpm2D and Mpm3D share: options (sim/mpmOptions.ts) and their validation, the quadratic B-spline, the wall
 * rule of the grid update, and the per-run bookkeeping (actuation, Lamé parameters, parameter
 * cotangents). The particle/grid transfers stay per dimension: they are the hot loops, unrolled.
 */
import { lame, lameBackward } from './lame.js';
import type { StressBar } from './materials2d.js';
import { ParticleLeftGridError, resolveMpmOptions, type MpmBoundary, type MpmOptions } from '../../../../sim/mpmOptions.js';

export { resolveMpmOptions, ParticleLeftGridError, type MpmOptions, type MpmBoundary } from '../../../../sim/mpmOptions.js';

export interface MpmGrads {
  E: number;
  nu: number;
  /** d loss / d actuation, same layout as `actuation` (steps x N), or empty. */
  actuation: Float64Array;
}

/** Quadratic B-spline weights and derivatives for fractional offset f in [0.5, 1.5), into w/dw at `o`. */
export function bspline(f: number, w: Float64Array, dw: Float64Array, o = 0): void {
  w[o] = 0.5 * (1.5 - f) * (1.5 - f);
  w[o + 1] = 0.75 - (f - 1) * (f - 1);
  w[o + 2] = 0.5 * (f - 0.5) * (f - 0.5);
  dw[o] = f - 1.5;
  dw[o + 1] = -2 * (f - 1);
  dw[o + 2] = f - 0.5;
}

/** True when grid index `cell` lies in the wall layer of `b` cells and velocity component `v` points into that wall. */
export function movesIntoWall(cell: number, v: number, nGrid: number, b: number): boolean {
  return (cell < b && v < 0) || (cell >= nGrid - b && v > 0);
}

/**
 * Which velocity components the boundary zeroes, from the bits of the components moving into a
 * wall: slip keeps the tangential ones, sticky zeroes all (`all`) once any wall is hit.
 */
export function boundaryZeroMask(boundary: MpmBoundary, hits: number, all: number): number {
  return boundary === 'sticky' && hits !== 0 ? all : hits;
}

/** State and bookkeeping common to the 2D and 3D MLS-MPM steppers. */
export abstract class MpmBase {
  readonly opts: Required<MpmOptions>;
  readonly n: number;
  readonly dx: number;
  readonly invDx: number;
  readonly pMass: number;
  /** Per-step, per-particle actuation a[t * N + p] (empty = none). */
  actuation: Float64Array = new Float64Array(0);
  readonly grads: MpmGrads = { E: 0, nu: 0, actuation: new Float64Array(0) };
  /** Lamé parameters of the current (E, nu), refreshed at the start of every step pass. */
  protected mu = 0;
  protected lambda = 0;
  /** Cotangents of (mu, lambda, alpha) accumulated by the material adjoints during backward. */
  protected readonly sb: StressBar = { mu: 0, lambda: 0, alpha: 0 };

  protected constructor(
    options: MpmOptions,
    dim: number,
    private readonly name: string,
  ) {
    this.opts = resolveMpmOptions(options, dim);
    this.n = this.opts.nParticles;
    this.dx = 1 / this.opts.nGrid;
    this.invDx = this.opts.nGrid;
    this.pMass = this.opts.density * this.opts.particleVolume;
  }

  /** Set per-step actuation (length steps * N) and size its gradient buffer. */
  setActuation(a: Float64Array): void {
    if (a.length % this.n !== 0) throw new Error(`${this.name}.setActuation: length ${a.length} is not a multiple of nParticles ${this.n}`);
    this.actuation = a;
    this.grads.actuation = new Float64Array(a.length);
  }

  resetGrads(): void {
    this.grads.E = 0;
    this.grads.nu = 0;
    this.grads.actuation.fill(0);
  }

  /** Index of the first of the 3 grid nodes the B-spline of coordinate x touches (axis named in 3D). */
  protected gridBase(x: number, p: number, axis?: number): number {
    const b = Math.floor(x * this.invDx - 0.5);
    if (b < 0 || b > this.opts.nGrid - 3) {
      throw new ParticleLeftGridError(
        `MPM: particle ${p} at ${x}${axis === undefined ? '' : ` (axis ${axis})`} left the grid (needs 0.5*dx <= x < 1 - 1.5*dx)`,
      );
    }
    return b;
  }

  protected refreshLame(): void {
    const l = lame(this.opts.E, this.opts.nu);
    this.mu = l.mu;
    this.lambda = l.lambda;
  }

  /** Actuation stress scale alpha of particle p at step t (0 past the end of `actuation`). */
  protected actuationAlpha(t: number, p: number): number {
    const k = t * this.n + p;
    return k < this.actuation.length ? this.opts.actuationStrength * this.actuation[k] : 0;
  }

  /** Chain sb.alpha (the alpha cotangent of particle p at step t) into grads.actuation. */
  protected addActuationGrad(t: number, p: number): void {
    const k = t * this.n + p;
    if (k < this.grads.actuation.length) this.grads.actuation[k] += this.opts.actuationStrength * this.sb.alpha;
  }

  /** Chain the (mu, lambda) cotangents in sb into grads.E and grads.nu. */
  protected addLameGrads(): void {
    const eb = lameBackward(this.opts.E, this.opts.nu, this.sb.mu, this.sb.lambda);
    this.grads.E += eb.E;
    this.grads.nu += eb.nu;
  }
}
