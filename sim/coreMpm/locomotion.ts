/**
 * Goal-conditioned locomotion of an actuated MPM soft robot (sim/goalLocomotion.ts): MpmRobotProgram's vmapped
 * segments, rest state and centre of mass as a LocomotionBody.
 */
import { GoalLocomotion, type LocomotionBody } from '../goalLocomotion.js';
import type { LocomotionOptions } from '../locomotionGoals.js';
import type { MpmRobotSegments } from './controlled.js';

/** The MPM robot of `runner` as a locomotion body. */
export function mpmRobotBody(runner: MpmRobotSegments): LocomotionBody<MpmRobotSegments> {
  const prog = runner.program;
  return {
    runner,
    nGoal: prog.nGoal,
    dt: prog.sim.opts.dt,
    dtype: prog.dtype,
    paramsTensor: (params) => prog.paramsTensor(params),
    initialState: (batch) => prog.initialState(batch),
    centreOfMass: (s) => prog.centreOfMass(s),
  };
}

export class MpmLocomotion extends GoalLocomotion<MpmRobotSegments> {
  constructor(runner: MpmRobotSegments, opts: LocomotionOptions) {
    super(mpmRobotBody(runner), opts);
  }
}
