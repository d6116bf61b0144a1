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

/** (params, s, t0[, goal]) -> the state `steps` steps later; t0 (f64 scalar) is the index of the first step. */
export type Segment = (...xs: Tensor[]) => Tensor;

/** `steps` steps from s; where keep[k] = 0 the state entering step k is cut from the gradient (keep is 0/1, [steps]). */
function advance(sim: MassSpringProgram, steps: number, params: Tensor, s: Tensor, t0: Tensor, goal?: Tensor, keep?: Tensor): Tensor {
  let [x, v] = unpackState(sim, s);
  for (let k = 0; k < steps; k++) {
    if (keep) {
      // x keep + stop_gradient(x) (1 - keep): the same value, no gradient where keep = 0
      const c = fx.sliceAxis(keep, 0, k, k + 1);
      const cut = (y: Tensor): Tensor => fx.add(fx.mul(y, c), fx.mul(fx.stopGradient(y), fx.sub(1, c)));
      [x, v] = [cut(x), cut(v)];
    }
    [x, v] = sim.step(params, x, v, k === 0 ? t0 : fx.add(t0, k), goal);
  }
  return packState(x, v);
}

export function segment(sim: MassSpringProgram, steps: number): Segment {
  return (params, s, t0, goal) => advance(sim, steps, params, s, t0, goal);
}

/** Where the steps [t0, t0 + len) of a rollout truncated every `every` steps start from a cut state (none: undefined). */
function cutMask(t0: number, len: number, every: number | undefined): Float64Array | undefined {
  if (every === undefined) return undefined;
  const keep = Float64Array.from({ length: len }, (_, k) => (t0 + k > 0 && (t0 + k) % every === 0 ? 0 : 1));
  return keep.includes(0) ? keep : undefined;
}

function checkSteps(what: string, steps: number, seg: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`${what}: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(seg) || seg < 1) throw new Error(`${what}: segment must be a positive integer, got ${seg}`);
}

/** Segment starts and lengths covering [0, steps): full segments of `seg` steps, then the remainder. */
function segments(steps: number, seg: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t0 = 0; t0 < steps; t0 += seg) out.push([t0, Math.min(seg, steps - t0)]);
  return out;
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
    s = f(params, s, fx.scalar(t0, 'f64'), ...extra);
  }
  return s;
}

/** A loss of the final state (and the goal): a scalar Tensor. */
export type FinalLoss = (sT: Tensor, goal?: Tensor) => Tensor;

/** A loss of the states at segment boundaries [s_0, s_K, s_2K, ..., s_T] (and the goal): a scalar Tensor. */
export type TrajectoryLoss = (states: readonly Tensor[], goal?: Tensor) => Tensor;

export interface ThroughTimeResult {
  loss: number;
  /** d loss / d params. */
  grad: Float64Array;
  /** d loss / d s0, shaped like s0. */
  stateGrad: Tensor;
  finalState: Tensor;
}

type SegmentVjp = (params: Tensor, s: Tensor, t0: Tensor, ct: Tensor, ...goal: Tensor[]) => [Tensor, Tensor];
type TruncatedVjp = (params: Tensor, s: Tensor, t0: Tensor, keep: Tensor, ct: Tensor, ...goal: Tensor[]) => [Tensor, Tensor];

export interface SegmentRunnerOptions {
  /** Truncated backpropagation through time: cut the gradient at the states entering steps K, 2K, ... (module doc). */
  truncateEvery?: number;
}

const isZero = (t: Tensor): boolean => t.dataSync().every((v) => v === 0);

/** Jitted segments replayed on the host; gradients by reverse sweeps over stored segment-boundary states. */
export class SegmentRunner {
  private readonly forwards = new Map<number, Segment>();
  private readonly backwards = new Map<number, SegmentVjp>();
  private readonly truncatedBackwards = new Map<number, TruncatedVjp>();
  readonly truncateEvery: number | undefined;
  private readonly losses = new Map<TrajectoryLoss, (states: Tensor[], ...goal: Tensor[]) => [Tensor, Tensor[]]>();
  private readonly finals = new Map<FinalLoss, TrajectoryLoss>();

  constructor(
    readonly sim: MassSpringProgram,
    /** Steps per jitted segment. */
    readonly segmentLength: number,
    options: SegmentRunnerOptions = {},
  ) {
    checkSteps('SegmentRunner', 0, segmentLength);
    const K = options.truncateEvery;
    if (K !== undefined && !(Number.isInteger(K) && K >= 1))
      throw new Error(`SegmentRunner: truncateEvery must be a positive integer, got ${K}`);
    this.truncateEvery = K;
  }

  private forward(len: number): Segment {
    let f = this.forwards.get(len);
    if (!f) this.forwards.set(len, (f = fx.jit(segment(this.sim, len))));
    return f;
  }

  private backward(len: number): SegmentVjp {
    let f = this.backwards.get(len);
    if (!f) {
      const seg = segment(this.sim, len);
      const pull = (params: Tensor, s: Tensor, t0: Tensor, ct: Tensor, ...goal: Tensor[]): [Tensor, Tensor] => {
        const [ctP, ctS] = fx.vjp(seg, params, s, t0, ...goal)[1](ct);
        return [ctP, ctS];
      };
      this.backwards.set(len, (f = fx.jit(pull)));
    }
    return f;
  }

  /** The vjp of a segment with cuts inside it (one compiled graph per length; the cut positions are an input). */
  private truncatedBackward(len: number): TruncatedVjp {
    let f = this.truncatedBackwards.get(len);
    if (!f) {
      const seg = (params: Tensor, s: Tensor, t0: Tensor, keep: Tensor, ...goal: Tensor[]): Tensor =>
        advance(this.sim, len, params, s, t0, goal[0], keep);
      const pull = (params: Tensor, s: Tensor, t0: Tensor, keep: Tensor, ct: Tensor, ...goal: Tensor[]): [Tensor, Tensor] => {
        const [ctP, ctS] = fx.vjp(seg, params, s, t0, keep, ...goal)[1](ct);
        return [ctP, ctS];
      };
      this.truncatedBackwards.set(len, (f = fx.jit(pull)));
    }
    return f;
  }

  private lossGrad(loss: TrajectoryLoss): (states: Tensor[], ...goal: Tensor[]) => [Tensor, Tensor[]] {
    let f = this.losses.get(loss);
    if (!f) {
      const vg = fx.valueAndGrad((states: Tensor[], ...goal: Tensor[]) => loss(states, goal[0]));
      this.losses.set(loss, (f = fx.jit((states: Tensor[], ...goal: Tensor[]) => vg(states, ...goal) as [Tensor, Tensor[]])));
    }
    return f;
  }

  /** Final state after `steps` steps; onState sees the states at segment boundaries (t = 0, K, 2K, ..., steps). */
  simulate(params: Tensor, s0: Tensor, steps: number, goal?: Tensor, onState?: (t: number, s: Tensor) => void): Tensor {
    checkSteps('simulate', steps, this.segmentLength);
    const extra = goal ? [goal] : [];
    let s = s0;
    onState?.(0, s);
    for (const [t0, len] of segments(steps, this.segmentLength)) {
      s = this.forward(len)(params, s, fx.scalar(t0, 'f64'), ...extra);
      onState?.(t0 + len, s);
    }
    return s;
  }

  /** Loss of the final state and its gradient w.r.t. params and s0 (states kept at segment boundaries only). */
  valueAndGrad(params: Tensor, s0: Tensor, steps: number, loss: FinalLoss, goal?: Tensor): ThroughTimeResult {
    let traj = this.finals.get(loss);
    // one trajectory loss per final loss, so its gradient is compiled once
    if (!traj) this.finals.set(loss, (traj = (states, g) => loss(states[states.length - 1], g)));
    return this.trajectoryValueAndGrad(params, s0, steps, traj, goal);
  }

  /**
   * Loss of the segment-boundary states and its gradient w.r.t. params and s0: the states at boundaries are kept,
   * each segment is recomputed in the reverse sweep, and the loss's cotangent of boundary k joins the sweep there.
   * With truncateEvery the gradient is the truncated one (module doc); a segment whose incoming cotangent is zero
   * (before the last cut of a final-state loss) contributes nothing and is skipped.
   */
  trajectoryValueAndGrad(params: Tensor, s0: Tensor, steps: number, loss: TrajectoryLoss, goal?: Tensor): ThroughTimeResult {
    checkSteps('valueAndGrad', steps, this.segmentLength);
    const extra = goal ? [goal] : [];
    const parts = segments(steps, this.segmentLength);
    const saved: Tensor[] = [s0];
    for (const [t0, len] of parts) saved.push(this.forward(len)(params, saved[saved.length - 1], fx.scalar(t0, 'f64'), ...extra));
    const [value, cts] = this.lossGrad(loss)(saved, ...extra);
    let ct = cts[parts.length];
    const grad = new Float64Array(this.sim.nParams);
    for (let k = parts.length - 1; k >= 0; k--) {
      const [t0, len] = parts[k];
      if (this.truncateEvery !== undefined && isZero(ct)) {
        ct = cts[k];
        continue;
      }
      const keep = cutMask(t0, len, this.truncateEvery);
      const at = fx.scalar(t0, 'f64');
      const [ctP, ctS] = keep
        ? this.truncatedBackward(len)(params, saved[k], at, fx.tensor(keep, [len], 'f64'), ct, ...extra)
        : this.backward(len)(params, saved[k], at, ct, ...extra);
      const g = ctP.dataSync();
      for (let i = 0; i < grad.length; i++) grad[i] += g[i];
      ct = fx.add(ctS, cts[k]);
    }
    return { loss: value.dataSync()[0], grad, stateGrad: ct, finalState: saved[saved.length - 1] };
  }
}
