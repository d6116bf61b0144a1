/**
 * Goal-conditioned locomotion of the mass-spring robot (sim/goalLocomotion.ts): the robot's segments, rest state and
 * centre of mass as a LocomotionBody; the goal feeds the controller beside the phase clock and the state relative to
 * the centre of mass.
 */
import { GoalLocomotion, type LocomotionBody } from '../goalLocomotion.js';
import type { LocomotionOptions } from '../locomotionGoals.js';
import { type SegmentRunner, initialPackedState } from './coreRollout.js';
import { centreOfMass } from './coreWalk.js';

export { locomotionGoals, type LocomotionGoal, type LocomotionOptions, type LocomotionEvaluation } from '../locomotionGoals.js';

/** The mass-spring robot of `runner` as a locomotion body (packed states, sim/massSpring/coreRollout.ts). */
export function massSpringBody(runner: SegmentRunner): LocomotionBody<SegmentRunner> {
  const sim = runner.sim;
  return {
    runner,
    nGoal: sim.nGoal,
    dt: sim.opts.dt,
    dtype: sim.dtype,
    paramsTensor: (params) => sim.paramsTensor(params),
    initialState: (batch) => initialPackedState(sim, batch),
    centreOfMass: (s) => centreOfMass(sim, s),
  };
}

export class Locomotion extends GoalLocomotion<SegmentRunner> {
  constructor(runner: SegmentRunner, opts: LocomotionOptions) {
    super(massSpringBody(runner), opts);
  }
}
