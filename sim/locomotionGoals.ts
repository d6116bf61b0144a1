/**
 * Goals of the goal-conditioned locomotion tasks (after Fang et al. 2022, "Complex Locomotion Skill Learning via
 * Differentiable Physics"), shared by every simulator that runs them (mass-spring, MPM): the goal kinds, their
 * options and checks, training goals drawn from (seed, step), held-out evaluation goals, the goal as a controller
 * input, what an environment achieved from its centre-of-mass trajectory, the loss and the scores.
 */
import * as fx from '../core/index.js';
import type { Tensor } from '../core/index.js';
import type { FloatDType } from '../core/dtype.js';
import { uniformAt } from '../core/random.js';

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

export function checkLocomotionOptions(o: LocomotionOptions): void {
  const [lo, hi] = o.range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new Error(`locomotion: range must be [min, max] with max > min, got [${lo}, ${hi}]`);
  for (const k of ['horizon', 'envs', 'evalGoals'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`locomotion: ${k} must be a positive integer, got ${o[k]}`);
  }
  if (!(o.tolerance > 0)) throw new Error(`locomotion: tolerance must be > 0, got ${o.tolerance}`);
  if (!locomotionGoals.includes(o.goal)) throw new Error(`locomotion: goal must be one of ${locomotionGoals.join(', ')}, got ${o.goal}`);
}

export class LocomotionGoals {
  constructor(
    readonly opts: LocomotionOptions,
    /** Simulated time of one step (running's achieved velocity is the distance over horizon * dt). */
    readonly dt: number,
    /** Float type of the controller program the goal inputs feed (f32 on the gpu backend). */
    readonly dtype: FloatDType,
  ) {
    checkLocomotionOptions(opts);
  }

  /** Goals as controller inputs [B, 1] of the program's dtype, mapped from the range onto [-1, 1] so the network sees unit-scale inputs. */
  goalInput(goals: Float64Array): Tensor {
    const [lo, hi] = this.opts.range;
    return fx.tensor(
      goals.map((g) => (2 * (g - lo)) / (hi - lo) - 1),
      [goals.length, 1],
      this.dtype,
    );
  }

  /** The goals [B] back from their controller inputs [B, 1] (inside a traced loss). */
  fromInput(goal: Tensor): Tensor {
    const [lo, hi] = this.opts.range;
    return fx.add(fx.mul(fx.add(fx.reshape(goal, [goal.shape[0]]), 1), (hi - lo) / 2), lo);
  }

  /**
   * What each environment achieved [B] from its centre of mass [B, 2] at the segment boundaries (first = start,
   * last = end of the episode): mean x velocity, or the peak rise of the centre.
   */
  achieved(centres: readonly Tensor[]): Tensor {
    const first = centres[0];
    if (this.opts.goal === 'running') {
      const dx = fx.sub(fx.sliceAxis(centres[centres.length - 1], 1, 0, 1), fx.sliceAxis(first, 1, 0, 1));
      return fx.reshape(fx.div(dx, this.opts.horizon * this.dt), [dx.shape[0]]);
    }
    const heights = fx.concat(
      centres.map((c) => fx.sliceAxis(c, 1, 1, 2)),
      1,
    );
    return fx.sub(fx.max(heights, 1), fx.reshape(fx.sliceAxis(first, 1, 1, 2), [heights.shape[0]]));
  }

  /** Mean squared goal error over the environments (a traced scalar). */
  loss(centres: readonly Tensor[], goal: Tensor): Tensor {
    return fx.mean(fx.square(fx.sub(this.achieved(centres), this.fromInput(goal))));
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

  /** Goal distance and success rate of what was achieved under `goals`. */
  score(goals: Float64Array, achieved: Float64Array): LocomotionEvaluation {
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
