/**
 * Goal-conditioned locomotion of the mass-spring robot with a batch of environments in one core program (after Fang
 * et al. 2022, "Complex Locomotion Skill Learning via Differentiable Physics"): every environment runs the same robot
 * and controller under its own goal, fed to the controller beside the phase clock and the state relative to the
 * centre of mass. Goals, loss and scores are the shared ones of sim/locomotionGoals.ts.
 */
import type { Tensor } from '../../core/index.js';
import { LocomotionGoals, type LocomotionEvaluation, type LocomotionOptions } from '../locomotionGoals.js';
import { type SegmentRunner, type TrajectoryLoss, initialPackedState } from './coreRollout.js';
import { centreOfMass } from './coreWalk.js';

export { locomotionGoals, type LocomotionGoal, type LocomotionOptions, type LocomotionEvaluation } from '../locomotionGoals.js';

export class Locomotion {
  readonly loss: TrajectoryLoss;
  readonly goals: LocomotionGoals;

  constructor(
    readonly runner: SegmentRunner,
    readonly opts: LocomotionOptions,
  ) {
    this.goals = new LocomotionGoals(opts, runner.sim.opts.dt, runner.sim.dtype);
    if (runner.sim.nGoal !== 1) throw new Error(`locomotion: the controller must take 1 goal input, got nGoal = ${runner.sim.nGoal}`);
    this.loss = (states, goal) => {
      if (!goal) throw new Error('locomotion: the loss needs the goal inputs');
      return this.goals.loss(this.centres(states), goal);
    };
  }

  /** Goals as controller inputs [B, 1] (LocomotionGoals.goalInput). */
  goalInput(goals: Float64Array): Tensor {
    return this.goals.goalInput(goals);
  }

  private centres(states: readonly Tensor[]): Tensor[] {
    return states.map((s) => centreOfMass(this.runner.sim, s));
  }

  /** What each environment achieved [B]: mean x velocity, or the peak rise of the centre over the segment boundaries. */
  achieved(states: readonly Tensor[]): Tensor {
    return this.goals.achieved(this.centres(states));
  }

  trainingGoals(step: number): Float64Array {
    return this.goals.trainingGoals(step);
  }

  evaluationGoals(): Float64Array {
    return this.goals.evaluationGoals();
  }

  /** Mean squared goal error over this step's environments, and its gradient w.r.t. the controller params. */
  lossAndGrad(params: Float64Array, step: number): { loss: number; grad: Float64Array } {
    const goal = this.goalInput(this.trainingGoals(step));
    const s0 = initialPackedState(this.runner.sim, this.opts.envs);
    const r = this.runner.trajectoryValueAndGrad(this.runner.sim.paramsTensor(params), s0, this.opts.horizon, this.loss, goal);
    return { loss: r.loss, grad: r.grad };
  }

  evaluate(params: Float64Array, goals: Float64Array = this.evaluationGoals()): LocomotionEvaluation {
    const states: Tensor[] = [];
    this.runner.simulate(
      this.runner.sim.paramsTensor(params),
      initialPackedState(this.runner.sim, goals.length),
      this.opts.horizon,
      this.goalInput(goals),
      (_t, s) => states.push(s),
    );
    return this.goals.score(goals, Float64Array.from(this.achieved(states).dataSync()));
  }
}
