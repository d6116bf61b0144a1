/**
 * Goal-conditioned locomotion of any robot whose controller takes one goal input, with a batch of environments in one
 * core program (after Fang et al. 2022, "Complex Locomotion Skill Learning via Differentiable Physics"): every
 * environment runs the same robot and controller under its own goal; the loss is the mean squared goal error of the
 * batch, differentiated through the rollout with checkpoints at segment boundaries (sim/segments.ts). Goals, loss and
 * scores are the shared ones of sim/locomotionGoals.ts; a robot (mass-spring, MPM) brings only a LocomotionBody.
 */
import { type RolloutGrowth, type Tensor, randomTangent } from '../core/index.js';
import type { FloatDType } from '../core/dtype.js';
import { LocomotionGoals, type LocomotionEvaluation, type LocomotionOptions } from './locomotionGoals.js';
import type { SegmentedRollout, TrajectoryLoss } from './segments.js';

/** What a robot contributes to locomotion: its jitted segments, its rest state and its centre of mass. */
export interface LocomotionBody<R extends SegmentedRollout = SegmentedRollout> {
  /** Jitted segments of the robot; their extra input is the goal [B, nGoal]. */
  readonly runner: R;
  /** Goal inputs of the controller (locomotion needs exactly 1). */
  readonly nGoal: number;
  /** Simulated time of one step. */
  readonly dt: number;
  /** Float type of the program (goal inputs are built in it). */
  readonly dtype: FloatDType;
  /** Flat controller params as the tensor the segments take (length checked). */
  paramsTensor(params: Float64Array): Tensor;
  /** The robot at rest, repeated for `batch` environments: packed states [B, S]. */
  initialState(batch: number): Tensor;
  /** Centre of mass of every environment of packed states [B, S]: [B, 2]. */
  centreOfMass(s: Tensor): Tensor;
}

export class GoalLocomotion<R extends SegmentedRollout = SegmentedRollout> {
  readonly loss: TrajectoryLoss;
  readonly goals: LocomotionGoals;
  readonly runner: R;

  constructor(
    readonly body: LocomotionBody<R>,
    readonly opts: LocomotionOptions,
  ) {
    if (body.nGoal !== 1) throw new Error(`locomotion: the controller must take 1 goal input, got nGoal = ${body.nGoal}`);
    this.runner = body.runner;
    this.goals = new LocomotionGoals(opts, body.dt, body.dtype);
    this.loss = (states, goal) => {
      if (!goal) throw new Error('locomotion: the loss needs the goal inputs');
      return this.goals.loss(this.centres(states), goal);
    };
  }

  private centres(states: readonly Tensor[]): Tensor[] {
    return states.map((s) => this.body.centreOfMass(s));
  }

  /** What each environment achieved [B]: mean x velocity, or the peak rise of the centre over the segment boundaries. */
  achieved(states: readonly Tensor[]): Tensor {
    return this.goals.achieved(this.centres(states));
  }

  /** Mean squared goal error over this step's environments, and its gradient w.r.t. the controller params. */
  lossAndGrad(params: Float64Array, step: number): { loss: number; grad: Float64Array } {
    const goal = this.goals.goalInput(this.goals.trainingGoals(step));
    const b = this.body;
    const r = this.runner.trajectoryValueAndGrad(
      b.paramsTensor(params),
      b.initialState(this.opts.envs),
      this.opts.horizon,
      this.loss,
      goal,
    );
    return { loss: r.loss, grad: r.grad };
  }

  /** The boundary states of every environment's episode under `goals`. */
  rollout(params: Float64Array, goals: Float64Array, onState: (t: number, s: Tensor) => void): void {
    const b = this.body;
    this.runner.simulate(b.paramsTensor(params), b.initialState(goals.length), this.opts.horizon, this.goals.goalInput(goals), onState);
  }

  /**
   * The chaos guard on the episodes of `goals` (default the held-out ones): the growth of a seeded random
   * perturbation of the start states through the horizon, in stretches of `stride` steps (SegmentedRollout.growth).
   */
  growth(params: Float64Array, stride: number, seed: number, goals: Float64Array = this.goals.evaluationGoals()): RolloutGrowth {
    const b = this.body;
    const s0 = b.initialState(goals.length);
    return this.runner.growth(b.paramsTensor(params), s0, this.opts.horizon, randomTangent(s0, seed), this.goals.goalInput(goals), stride);
  }

  evaluate(params: Float64Array, goals: Float64Array = this.goals.evaluationGoals()): LocomotionEvaluation {
    const states: Tensor[] = [];
    this.rollout(params, goals, (_t, s) => states.push(s));
    return this.goals.score(goals, Float64Array.from(this.achieved(states).dataSync()));
  }
}
