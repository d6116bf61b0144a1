/**
 * Physical and controller options of the mass-spring robot, shared by the core-program simulator and the
 * hand-written oracle so both read the same defaults and reject the same bad values.
 */
export interface MassSpringOptions {
  dt?: number;
  /** Vertical gravity acceleration (negative = down). */
  gravity?: number;
  /** Drag rate: velocities are scaled by exp(-dt * drag) each step. */
  drag?: number;
  groundHeight?: number;
  /**
   * Coulomb friction coefficient at the ground (default 1). Infinity (DiffTaichi's rule) zeroes the
   * whole velocity of a particle that reaches the ground; finite values keep a tangential velocity
   * reduced by friction * |normal velocity|. Contact uses a time of impact inside the step.
   */
  friction?: number;
  nSin?: number;
  /** Angular frequency of the sinusoid inputs. */
  omega?: number;
  nHidden?: number;
  /** Scale of the position/velocity sensor inputs. */
  sensorScale?: number;
}

export const MASS_SPRING_DEFAULTS: Required<MassSpringOptions> = {
  dt: 0.004,
  gravity: -4.8,
  drag: 15,
  groundHeight: 0.1,
  friction: 1,
  nSin: 10,
  omega: 10,
  nHidden: 32,
  sensorScale: 0.05,
};

/** Added to spring lengths before dividing by them (a collapsed spring must not divide by zero). */
export const LENGTH_EPS = 1e-4;
/** Only particles approaching the ground faster than this get a time-of-impact contact. */
export const TOI_VMIN = 1e-4;

export function resolveMassSpringOptions(options: MassSpringOptions, who: string): Required<MassSpringOptions> {
  const opts = { ...MASS_SPRING_DEFAULTS, ...options };
  for (const [k, v] of Object.entries(opts)) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${who}: option ${k} must be a number, got ${String(v)}`);
  }
  if (!(opts.dt > 0)) throw new Error(`${who}: dt must be > 0, got ${opts.dt}`);
  if (!(opts.friction >= 0)) throw new Error(`${who}: friction must be >= 0, got ${opts.friction}`);
  return opts;
}
