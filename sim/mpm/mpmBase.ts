/**
 * What Mpm2D and Mpm3D share: options and their validation, the quadratic B-spline, the wall
 * rule of the grid update, and the per-run bookkeeping (actuation, Lamé parameters, parameter
 * cotangents). The particle/grid transfers stay per dimension: they are the hot loops, unrolled.
 */
import { lame, lameBackward } from './lame.js';
import type { MpmMaterial, StressBar } from './materials2d.js';

/** A particle moved outside the grid the B-splines cover (the simulation blew up or the body flew away). */
export class ParticleLeftGridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParticleLeftGridError';
  }
}

export type MpmBoundary = 'sticky' | 'slip' | 'none';

export interface MpmOptions {
  /** Grid cells per side of the unit box. */
  nGrid: number;
  nParticles: number;
  dt?: number;
  E?: number;
  nu?: number;
  material?: MpmMaterial;
  /** Particle volume; default (dx / 2)^dim (4 particles per cell in 2D). */
  particleVolume?: number;
  density?: number;
  /** Gravity acceleration along the last axis (negative = down). */
  gravity?: number;
  boundary?: MpmBoundary;
  /** Boundary layer thickness in cells. */
  boundCells?: number;
  /** Actuation stress scale: tau += strength * a_p * F d d^T F^T. */
  actuationStrength?: number;
  actuationDirection?: number[];
  /** Snow: hardening coefficient and clamps of the singular values. */
  hardening?: number;
  thetaC?: number;
  thetaS?: number;
}

export interface MpmGrads {
  E: number;
  nu: number;
  /** d loss / d actuation, same layout as `actuation` (steps x N), or empty. */
  actuation: Float64Array;
}

export function resolveMpmOptions(o: MpmOptions, dim: number): Required<MpmOptions> {
  if (!Number.isInteger(o.nGrid) || o.nGrid < 4) throw new Error(`MPM: nGrid must be an integer >= 4, got ${o.nGrid}`);
  if (!Number.isInteger(o.nParticles) || o.nParticles < 1)
    throw new Error(`MPM: nParticles must be a positive integer, got ${o.nParticles}`);
  const dx = 1 / o.nGrid;
  const r: Required<MpmOptions> = {
    nGrid: o.nGrid,
    nParticles: o.nParticles,
    dt: o.dt ?? 1e-4,
    E: o.E ?? 1000,
    nu: o.nu ?? 0.2,
    material: o.material ?? 'fixedCorotated',
    particleVolume: o.particleVolume ?? (dx / 2) ** dim,
    density: o.density ?? 1,
    gravity: o.gravity ?? -9.8,
    boundary: o.boundary ?? 'sticky',
    boundCells: o.boundCells ?? 3,
    actuationStrength: o.actuationStrength ?? 0,
    actuationDirection: o.actuationDirection ?? (dim === 2 ? [0, 1] : [0, 1, 0]),
    hardening: o.hardening ?? 10,
    thetaC: o.thetaC ?? 2.5e-2,
    thetaS: o.thetaS ?? 4.5e-3,
  };
  if (!(r.dt > 0)) throw new Error(`MPM: dt must be > 0, got ${r.dt}`);
  lame(r.E, r.nu);
  if (!['fixedCorotated', 'neoHookean', 'fluid', 'snow'].includes(r.material)) {
    throw new Error(`MPM: material must be fixedCorotated | neoHookean | fluid | snow, got ${String(r.material)}`);
  }
  if (!['sticky', 'slip', 'none'].includes(r.boundary))
    throw new Error(`MPM: boundary must be sticky | slip | none, got ${String(r.boundary)}`);
  if (r.actuationDirection.length !== dim)
    throw new Error(`MPM: actuationDirection must have ${dim} entries, got ${r.actuationDirection.length}`);
  const dn = Math.hypot(...r.actuationDirection);
  if (!(dn > 0)) throw new Error('MPM: actuationDirection must be non-zero');
  r.actuationDirection = r.actuationDirection.map((v) => v / dn);
  return r;
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
