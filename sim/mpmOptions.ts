/**
 * MLS-MPM options shared by the core simulator (sim/coreMpm) and its hand-written test oracle (test/sim/oracle/mpm):
 * the materials and boundaries, defaults and validation, and the error a particle leaving the grid raises.
 */

export type MpmMaterial = 'fixedCorotated' | 'neoHookean' | 'fluid' | 'snow';

/** Young's modulus and Poisson ratio in range: E > 0, -1 < nu < 0.5 (the Lame parameters are finite and positive). */
export function checkModuli(E: number, nu: number): void {
  if (!(E > 0)) throw new Error(`Young's modulus E must be > 0, got ${E}`);
  if (!(nu > -1 && nu < 0.5)) throw new Error(`Poisson ratio nu must be in (-1, 0.5), got ${nu}`);
}

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
  checkModuli(r.E, r.nu);
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
