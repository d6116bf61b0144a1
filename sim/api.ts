/** Factory entry points named in DESIGN.md: fx.sim.mpm(...) and fx.sim.massSpring(...). */
import { coreMpm, type CoreMpm, type CoreMpmOptions } from './coreMpm/step.js';
import { MassSpringProgram, type MassSpringProgramOptions } from './massSpring/coreStep.js';
import { defaultRobot, type MassSpringModel } from './massSpring/robot.js';

/** An MLS-MPM simulator as a core program (2D unless `dim: 3`): a pure step over core tensors. */
export function mpm(options: CoreMpmOptions): CoreMpm {
  return coreMpm(options);
}

/** A mass-spring simulator (a core program) for `model` (DiffTaichi's default walker when omitted). */
export function massSpring(model: MassSpringModel = defaultRobot(), options: MassSpringProgramOptions = {}, nGoal = 0): MassSpringProgram {
  return new MassSpringProgram(model, options, nGoal);
}
