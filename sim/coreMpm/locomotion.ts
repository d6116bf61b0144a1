/**
 * Goal-conditioned locomotion of an actuated MPM soft robot (the MPM counterpart of sim/massSpring/locomotion.ts):
 * B environments, each with its own goal, in one core program (MpmRobotProgram's vmapped segments); the loss is the
 * mean squared goal error of the batch, differentiated through the rollout with checkpoints at segment boundaries.
 * Goals, loss and scores are the shared ones of sim/locomotionGoals.ts.
 */
import type { Tensor } from '../../core/index.js';
import { LocomotionGoals, type LocomotionEvaluation, type LocomotionOptions } from '../locomotionGoals.js';
import type { TrajectoryLoss } from '../segments.js';
import type { MpmRobotSegments } from './controlled.js';

export class MpmLocomotion {
  readonly loss: TrajectoryLoss;
  readonly goals: LocomotionGoals;

  constructor(
    readonly runner: MpmRobotSegments,
    readonly opts: LocomotionOptions,
  ) {
    const prog = runner.program;
    if (prog.nGoal !== 1) throw new Error(`locomotion: the controller must take 1 goal input, got nGoal = ${prog.nGoal}`);
    this.goals = new LocomotionGoals(opts, prog.sim.opts.dt, prog.dtype);
    this.loss = (states, goal) => {
      if (!goal) throw new Error('locomotion: the loss needs the goal inputs');
      return this.goals.loss(this.centres(states), goal);
    };
  }

  private centres(states: readonly Tensor[]): Tensor[] {
    return states.map((s) => this.runner.program.centreOfMass(s));
  }

  /** What each environment achieved [B] from the states at segment boundaries. */
  achieved(states: readonly Tensor[]): Tensor {
    return this.goals.achieved(this.centres(states));
  }

  /** Mean squared goal error over this step's environments, and its gradient w.r.t. the controller params. */
  lossAndGrad(params: Float64Array, step: number): { loss: number; grad: Float64Array } {
    const prog = this.runner.program;
    const goal = this.goals.goalInput(this.goals.trainingGoals(step));
    const r = this.runner.trajectoryValueAndGrad(
      prog.paramsTensor(params),
      prog.initialState(this.opts.envs),
      this.opts.horizon,
      this.loss,
      goal,
    );
    return { loss: r.loss, grad: r.grad };
  }

  /** The boundary states of every environment's episode under `goals`. */
  rollout(params: Float64Array, goals: Float64Array, onState: (t: number, s: Tensor) => void): void {
    const prog = this.runner.program;
    this.runner.simulate(
      prog.paramsTensor(params),
      prog.initialState(goals.length),
      this.opts.horizon,
      this.goals.goalInput(goals),
      onState,
    );
  }

  evaluate(params: Float64Array, goals: Float64Array = this.goals.evaluationGoals()): LocomotionEvaluation {
    const states: Tensor[] = [];
    this.rollout(params, goals, (_t, s) => states.push(s));
    return this.goals.score(goals, Float64Array.from(this.achieved(states).dataSync()));
  }
}
