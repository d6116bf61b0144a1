/** Factory entry points named in DESIGN.md: fx.sim.mpm(...) and fx.sim.massSpring(...). */
import { MassSpringProgram } from './massSpring/coreStep.js';
import type { MassSpringOptions } from './massSpring/options.js';
import { defaultRobot, type MassSpringModel } from './massSpring/robot.js';
import { Mpm2D } from './mpm/mpm2d.js';
import type { MpmOptions } from './mpm/mpmBase.js';
import { Mpm3D } from './mpm/mpm3d.js';

export function mpm(options: MpmOptions & { dim?: 2 }): Mpm2D;
export function mpm(options: MpmOptions & { dim: 3 }): Mpm3D;
export function mpm(options: MpmOptions & { dim?: 2 | 3 }): Mpm2D | Mpm3D {
  const dim = options.dim ?? 2;
  if (dim === 2) return new Mpm2D(options);
  if (dim === 3) return new Mpm3D(options);
  throw new Error(`sim.mpm: dim must be 2 or 3, got ${String(dim)}`);
}

/** A mass-spring simulator (a core program) for `model` (DiffTaichi's default walker when omitted). */
export function massSpring(model: MassSpringModel = defaultRobot(), options: MassSpringOptions = {}, nGoal = 0): MassSpringProgram {
  return new MassSpringProgram(model, options, nGoal);
}
