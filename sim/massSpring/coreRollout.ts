/**
 * Rollouts of a MassSpringProgram. The state travels packed as one tensor s = [x; v] of shape [B, 2n, 2] so a
 * segment of steps is a function of Tensors returning one Tensor, the form fx.checkpoint takes.
 *
 * Two ways to differentiate through time:
 * - `rollout` is the whole rollout as one traced function: fx.grad / fx.vjp / fx.jit apply to it directly, and with
 *   `checkpoint: true` every segment is wrapped in fx.checkpoint, so the backward pass keeps segment inputs only and
 *   recomputes inside a segment (memory O(T / K + K); K = sqrt(T) gives O(sqrt T)).
 * - `SegmentRunner` jits ONE segment (and its vjp) and loops on the host: the wasm arena planner is quadratic in the
 *   number of values, so a graph unrolled over thousands of steps would compile for minutes, while a segment compiles
 *   once and is replayed. It keeps the states at segment boundaries and recomputes each segment in reverse: the same
 *   checkpointing, at segment granularity, with compiled code.
 *
 * Truncated backpropagation through time (`truncateEvery: K`, the remedy for exploding gradients through long or
 * chaotic rollouts that Metz et al. 2021 discuss): the state entering steps K, 2K, 3K, ... is stop_gradient-ed, as
 * `if (t % K == 0) s = s.detach()` in a PyTorch loop. The forward pass and the loss are unchanged; a loss term on
 * s_t sends its gradient back through the steps since the last cut at or before t only (at most K steps), so the
 * gradient is the sum over windows [jK, (j+1)K) of each window's losses differentiated with the window's start state
 * frozen. K >= the horizon gives the full gradient.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import type { MassSpringProgram } from './coreStep.js';
import { SegmentedRollout, checkSteps, cutGradient, segments, type Segment } from '../segments.js';

export type { Segment, FinalLoss, TrajectoryLoss, ThroughTimeResult } from '../segments.js';

export function packState(x: Tensor, v: Tensor): Tensor {
  return fx.concat([x, v], 1);
}

export function unpackState(sim: MassSpringProgram, s: Tensor): [Tensor, Tensor] {
  return [fx.sliceAxis(s, 1, 0, sim.n), fx.sliceAxis(s, 1, sim.n, 2 * sim.n)];
}

/** The initial packed state of `batch` environments at rest. */
export function initialPackedState(sim: MassSpringProgram, batch = 1): Tensor {
  return packState(...sim.initialState(batch));
}

/** `steps` steps from s; where keep[k] = 0 the state entering step k is cut from the gradient (keep is 0/1, [steps]). */
function advance(sim: MassSpringProgram, steps: number, params: Tensor, s: Tensor, t0: Tensor, goal?: Tensor, keep?: Tensor): Tensor {
  let [x, v] = unpackState(sim, s);
  for (let k = 0; k < steps; k++) {
    if (keep) {
      // x keep + stop_gradient(x) (1 - keep): the same value, no gradient where keep = 0
      const c = fx.sliceAxis(keep, 0, k, k + 1);
      [x, v] = [cutGradient(x, c), cutGradient(v, c)];
    }
    [x, v] = sim.step(params, x, v, k === 0 ? t0 : fx.add(t0, k), goal);
  }
  return packState(x, v);
}

export function segment(sim: MassSpringProgram, steps: number): Segment {
  return (params, s, t0, goal) => advance(sim, steps, params, s, t0, goal);
}

export interface RolloutOptions {
  /** Steps per segment (default: the whole horizon). */
  segment?: number;
  /** Wrap each segment in fx.checkpoint (recompute it in the backward pass instead of storing its intermediates). */
  checkpoint?: boolean;
  /** Goal inputs [B, nGoal] of a goal-conditioned controller. */
  goal?: Tensor;
}

/** The state after `steps` steps from s0, as one traced function of params, s0 and goal. */
export function rollout(sim: MassSpringProgram, params: Tensor, s0: Tensor, steps: number, opts: RolloutOptions = {}): Tensor {
  const seg = opts.segment ?? Math.max(steps, 1);
  checkSteps('rollout', steps, seg);
  const extra = opts.goal ? [opts.goal] : [];
  let s = s0;
  for (const [t0, len] of segments(steps, seg)) {
    const f = opts.checkpoint ? fx.checkpoint(segment(sim, len)) : segment(sim, len);
    s = f(params, s, fx.scalar(t0, sim.dtype), ...extra);
  }
  return s;
}

export interface SegmentRunnerOptions {
  /** Truncated backpropagation through time: cut the gradient at the states entering steps K, 2K, ... (module doc). */
  truncateEvery?: number;
}

/** Jitted segments of this robot replayed on the host (sim/segments.ts); the extra input is the goal [B, nGoal]. */
export class SegmentRunner extends SegmentedRollout {
  constructor(
    readonly sim: MassSpringProgram,
    /** Steps per jitted segment. */
    segmentLength: number,
    options: SegmentRunnerOptions = {},
  ) {
    super(
      (len) => segment(sim, len),
      segmentLength,
      {
        truncateEvery: options.truncateEvery,
        truncated: (len) => (params, s, t0, keep, goal) => advance(sim, len, params, s, t0, goal, keep),
      },
      'SegmentRunner',
    );
  }
}
