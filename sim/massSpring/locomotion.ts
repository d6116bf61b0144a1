/**
 * Goal-conditioned locomotion with a batch of environments in one core program (after Fang et al. 2022, "Complex
 * Locomotion Skill Learning via Differentiable Physics"): every environment runs the same robot and controller
 * under its own goal, fed to the controller beside the phase clock and the state relative to the centre of mass.
 * Tasks: `running` (reach a target mean x velocity over the episode) and `jumping` (raise the centre of mass by a
 * target height at its peak). Training goals are drawn afresh each step; evaluation uses goals off that stream.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { uniformAt } from '../../core/random.js';
import { type SegmentRunner, type TrajectoryLoss, initialPackedState } from './coreRollout.js';
import { centreOfMass } from './coreWalk.js';

export const locomotionGoals = ['running', 'jumping'] as const;
export type LocomotionGoal = (typeof locomotionGoals)[number];

export interface LocomotionOptions {
  goal: LocomotionGoal;
  /** Goals are drawn uniformly from [min, max]: target mean x velocity (running) or peak rise of the centre (jumping). */
  range: readonly [number, number];
  /** Simulated steps per episode. */
  horizon: number;
  /** Environments (goals) per training step. */
  envs: number;
  /** Held-out evaluation goals, spread over the range. */
  evalGoals: number;
  /** An evaluation episode succeeds when |achieved - goal| <= tolerance. */
  tolerance: number;
  /** Seeds the training goals (goal draws depend on (seed, step) only, so a resumed run draws the same goals). */
  seed: number;
}

export interface LocomotionEvaluation {
  goals: Float64Array;
  achieved: Float64Array;
  /** Mean |achieved - goal|. */
  goalDistance: number;
  /** Fraction of goals reached within the tolerance. */
  successRate: number;
}

function check(o: LocomotionOptions): void {
  const [lo, hi] = o.range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new Error(`locomotion: range must be [min, max] with max > min, got [${lo}, ${hi}]`);
  for (const k of ['horizon', 'envs', 'evalGoals'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`locomotion: ${k} must be a positive integer, got ${o[k]}`);
  }
  if (!(o.tolerance > 0)) throw new Error(`locomotion: tolerance must be > 0, got ${o.tolerance}`);
  if (!locomotionGoals.includes(o.goal)) throw new Error(`locomotion: goal must be one of ${locomotionGoals.join(', ')}, got ${o.goal}`);
}

export class Locomotion {
  readonly loss: TrajectoryLoss;

  constructor(
    readonly runner: SegmentRunner,
    readonly opts: LocomotionOptions,
  ) {
    check(opts);
    if (runner.sim.nGoal !== 1) throw new Error(`locomotion: the controller must take 1 goal input, got nGoal = ${runner.sim.nGoal}`);
    this.loss = (states, goal) => {
      if (!goal) throw new Error('locomotion: the loss needs the goal inputs');
      const err = fx.sub(this.achieved(states), this.fromInput(goal));
      return fx.mean(fx.square(err));
    };
  }

  /** Goals as controller inputs [B, 1], mapped from the range onto [-1, 1] so the network sees unit-scale inputs. */
  goalInput(goals: Float64Array): Tensor {
    const [lo, hi] = this.opts.range;
    return fx.tensor(
      goals.map((g) => (2 * (g - lo)) / (hi - lo) - 1),
      [goals.length, 1],
      this.runner.sim.dtype,
    );
  }

  private fromInput(goal: Tensor): Tensor {
    const [lo, hi] = this.opts.range;
    return fx.add(fx.mul(fx.add(fx.reshape(goal, [goal.shape[0]]), 1), (hi - lo) / 2), lo);
  }

  /** What each environment achieved [B]: mean x velocity, or the peak rise of the centre over the segment boundaries. */
  achieved(states: readonly Tensor[]): Tensor {
    const sim = this.runner.sim;
    const first = centreOfMass(sim, states[0]);
    if (this.opts.goal === 'running') {
      const dx = fx.sub(fx.sliceAxis(centreOfMass(sim, states[states.length - 1]), 1, 0, 1), fx.sliceAxis(first, 1, 0, 1));
      return fx.reshape(fx.div(dx, this.opts.horizon * sim.opts.dt), [dx.shape[0]]);
    }
    const heights = fx.concat(
      states.map((s) => fx.sliceAxis(centreOfMass(sim, s), 1, 1, 2)),
      1,
    );
    return fx.sub(fx.max(heights, 1), fx.reshape(fx.sliceAxis(first, 1, 1, 2), [heights.shape[0]]));
  }

  /** The training goals of step `step`: `envs` uniform draws from the range. */
  trainingGoals(step: number): Float64Array {
    const [lo, hi] = this.opts.range;
    const n = this.opts.envs;
    // counter-based: draw i of step k is a pure function of (seed, k n + i), so a resumed run sees the same goals
    return Float64Array.from({ length: n }, (_, i) => lo + (hi - lo) * uniformAt(this.opts.seed, step * n + i));
  }

  /** Evaluation goals: midpoints of evalGoals equal cells of the range (not in the training stream). */
  evaluationGoals(): Float64Array {
    const [lo, hi] = this.opts.range;
    const n = this.opts.evalGoals;
    return Float64Array.from({ length: n }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / n);
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
    const achieved = Float64Array.from(this.achieved(states).dataSync());
    let dist = 0,
      hits = 0;
    achieved.forEach((a, i) => {
      const e = Math.abs(a - goals[i]);
      dist += e;
      if (e <= this.opts.tolerance) hits++;
    });
    return { goals, achieved, goalDistance: dist / goals.length, successRate: hits / goals.length };
  }
}
