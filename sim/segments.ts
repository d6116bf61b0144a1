/**
 * Jitted segments of a simulator replayed on the host, with gradients by reverse sweeps over the states at segment
 * boundaries: the checkpointing through time every core simulator (mass-spring, MPM) uses for long rollouts.
 *
 * A segment is K steps unrolled into one traced function (params, s, t0, ...extra) -> s'; it is jitted once per
 * length, and so is its vjp. Jitting K steps at once, not one, matters for small bodies: the host's per-call work
 * (argument wrapping, the compiled graph's dispatch) is paid once per K steps, and the steps' elementwise chains fuse
 * across step boundaries. The wasm arena planner is quadratic in values, so a graph unrolled over thousands of steps
 * would compile for minutes: K stays near sqrt(T). The forward keeps the states at boundaries (T / K of them) and the
 * reverse sweep recomputes each segment inside its vjp (K steps' intermediates at a time): memory O(T / K + K).
 *
 * Truncated backpropagation through time (`truncateEvery: K`, with a `truncated` segment factory): the state entering
 * steps K, 2K, ... is cut from the gradient; the forward pass and the loss are unchanged (sim/massSpring/coreRollout.ts).
 */
import * as fx from '../core/index.js';
import type { RolloutGrowth, TangentMap, Tensor } from '../core/index.js';

/** (params, s, t0, ...extra) -> the state `len` steps later; t0 (a scalar of the params' dtype) is the index of the first step. */
export type Segment = (...xs: Tensor[]) => Tensor;

/** A loss of the final state (and the extra inputs' first, e.g. a goal): a scalar Tensor. */
export type FinalLoss = (sT: Tensor, extra?: Tensor) => Tensor;

/** A loss of the states at segment boundaries [s_0, s_K, s_2K, ..., s_T] (and the first extra input): a scalar Tensor. */
export type TrajectoryLoss = (states: readonly Tensor[], extra?: Tensor) => Tensor;

export interface ThroughTimeResult {
  loss: number;
  /** d loss / d params (flat). */
  grad: Float64Array;
  /** d loss / d s0, shaped like s0. */
  stateGrad: Tensor;
  finalState: Tensor;
}

/** (params, s, t0, keep, ...extra) -> s': `len` steps where keep[k] = 0 cuts the state entering step k from the gradient. */
export type TruncatedSegment = (...xs: Tensor[]) => Tensor;

export interface SegmentedOptions {
  /** Truncated backpropagation through time: cut the gradient at the states entering steps K, 2K, ... */
  truncateEvery?: number;
  /** The segment of `len` steps with cuts (needed with truncateEvery). */
  truncated?: (len: number) => TruncatedSegment;
}

type SegmentVjp = (params: Tensor, s: Tensor, t0: Tensor, ct: Tensor, ...extra: Tensor[]) => [Tensor, Tensor];
type TruncatedVjp = (params: Tensor, s: Tensor, t0: Tensor, keep: Tensor, ct: Tensor, ...extra: Tensor[]) => [Tensor, Tensor];

/**
 * y where keep = 1, stop_gradient(y) where keep = 0 (keep: a 0/1 tensor broadcasting against y): the same value, the
 * gradient cut where asked, with the cut positions a runtime input so one compiled graph serves every mask.
 */
export function cutGradient(y: Tensor, keep: Tensor): Tensor {
  return fx.add(fx.mul(y, keep), fx.mul(fx.stopGradient(y), fx.sub(1, keep)));
}

/** Where the steps [t0, t0 + len) of a rollout truncated every `every` steps start from a cut state (none: undefined). */
function cutMask(t0: number, len: number, every: number | undefined): Float64Array | undefined {
  if (every === undefined) return undefined;
  const keep = Float64Array.from({ length: len }, (_, k) => (t0 + k > 0 && (t0 + k) % every === 0 ? 0 : 1));
  return keep.includes(0) ? keep : undefined;
}

const isZero = (t: Tensor): boolean => t.dataSync().every((v) => v === 0);

export function checkSteps(what: string, steps: number, seg: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`${what}: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(seg) || seg < 1) throw new Error(`${what}: segment must be a positive integer, got ${seg}`);
}

/** Segment starts and lengths covering [0, steps): full segments of `seg` steps, then the remainder. */
export function segments(steps: number, seg: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t0 = 0; t0 < steps; t0 += seg) out.push([t0, Math.min(seg, steps - t0)]);
  return out;
}

/** Jitted segments replayed on the host; gradients by reverse sweeps over stored segment-boundary states. */
export class SegmentedRollout {
  private readonly forwards = new Map<number, Segment>();
  private readonly backwards = new Map<number, SegmentVjp>();
  private readonly truncatedBackwards = new Map<number, TruncatedVjp>();
  private readonly tangents = new Map<number, TangentMap>();
  readonly truncateEvery: number | undefined;
  private readonly losses = new Map<TrajectoryLoss, (states: Tensor[], ...extra: Tensor[]) => [Tensor, Tensor[]]>();
  private readonly finals = new Map<FinalLoss, TrajectoryLoss>();

  constructor(
    /** The traced segment of `len` steps. */
    private readonly makeSegment: (len: number) => Segment,
    /** Steps per jitted segment. */
    readonly segmentLength: number,
    private readonly options: SegmentedOptions = {},
    /** the class name in error messages */
    what = 'SegmentedRollout',
  ) {
    checkSteps(what, 0, segmentLength);
    const K = options.truncateEvery;
    if (K !== undefined && !(Number.isInteger(K) && K >= 1)) throw new Error(`${what}: truncateEvery must be a positive integer, got ${K}`);
    if (K !== undefined && !options.truncated) throw new Error(`${what}: truncateEvery needs a truncated segment`);
    this.truncateEvery = K;
  }

  private forward(len: number): Segment {
    let f = this.forwards.get(len);
    if (!f) this.forwards.set(len, (f = fx.jit(this.makeSegment(len))));
    return f;
  }

  private backward(len: number): SegmentVjp {
    let f = this.backwards.get(len);
    if (!f) {
      const seg = this.makeSegment(len);
      const pull = (params: Tensor, s: Tensor, t0: Tensor, ct: Tensor, ...extra: Tensor[]): [Tensor, Tensor] => {
        const [ctP, ctS] = fx.vjp(seg, params, s, t0, ...extra)[1](ct);
        return [ctP, ctS];
      };
      // its outputs are read at once (the parameter cotangent summed on the host, the state's fed to the next call),
      // so one buffer per output is reused instead of paging in fresh ones every segment
      this.backwards.set(len, (f = fx.jit(pull, { reuseOutputs: true })));
    }
    return f;
  }

  /** The vjp of a segment with cuts inside it (one compiled graph per length; the cut positions are an input). */
  private truncatedBackward(len: number): TruncatedVjp {
    let f = this.truncatedBackwards.get(len);
    const make = this.options.truncated;
    if (!make) throw new Error('SegmentedRollout: no truncated segment');
    if (!f) {
      const seg = make(len);
      const pull = (params: Tensor, s: Tensor, t0: Tensor, keep: Tensor, ct: Tensor, ...extra: Tensor[]): [Tensor, Tensor] => {
        const [ctP, ctS] = fx.vjp(seg, params, s, t0, keep, ...extra)[1](ct);
        return [ctP, ctS];
      };
      this.truncatedBackwards.set(len, (f = fx.jit(pull, { reuseOutputs: true })));
    }
    return f;
  }

  private lossGrad(loss: TrajectoryLoss): (states: Tensor[], ...extra: Tensor[]) => [Tensor, Tensor[]] {
    let f = this.losses.get(loss);
    if (!f) {
      const vg = fx.valueAndGrad((states: Tensor[], ...extra: Tensor[]) => loss(states, extra[0]));
      this.losses.set(loss, (f = fx.jit((states: Tensor[], ...extra: Tensor[]) => vg(states, ...extra) as [Tensor, Tensor[]])));
    }
    return f;
  }

  private tangent(len: number): TangentMap {
    let f = this.tangents.get(len);
    if (!f) {
      const seg = this.makeSegment(len);
      this.tangents.set(
        len,
        (f = fx.tangentMap((s: Tensor, params: Tensor, t0: Tensor, ...extra: Tensor[]) => seg(params, s, t0, ...extra))),
      );
    }
    return f;
  }

  /**
   * The chaos guard (core/lyapunov.ts) on this rollout: the growth of a perturbation v0 of s0 through `steps` steps
   * under params, pushed through each stretch of `stride` steps (default: the segment length; one compiled jvp per
   * stretch length) by jvp and renormalised between stretches. Its cost is about one forward pass with tangents.
   */
  growth(params: Tensor, s0: Tensor, steps: number, v0: Tensor, extra?: Tensor, stride = this.segmentLength): RolloutGrowth {
    checkSteps('growth', steps, stride);
    if (steps < 1) throw new Error(`growth: steps must be a positive integer, got ${steps}`);
    const xs = extra ? [extra] : [];
    let s = s0;
    let v = fx.unitTangent(v0);
    const logGrowth: number[] = [];
    for (const [t0, len] of segments(steps, stride)) {
      const [y, t, norm] = this.tangent(len)(s, v, params, fx.scalar(t0, params.dtype), ...xs);
      logGrowth.push(Math.log(norm.item()));
      s = y;
      v = t;
    }
    return fx.growthOf(logGrowth, stride, steps);
  }

  /** Final state after `steps` steps; onState sees the states at segment boundaries (t = 0, K, 2K, ..., steps). */
  simulate(params: Tensor, s0: Tensor, steps: number, extra?: Tensor, onState?: (t: number, s: Tensor) => void): Tensor {
    checkSteps('simulate', steps, this.segmentLength);
    const xs = extra ? [extra] : [];
    let s = s0;
    onState?.(0, s);
    for (const [t0, len] of segments(steps, this.segmentLength)) {
      s = this.forward(len)(params, s, fx.scalar(t0, params.dtype), ...xs);
      onState?.(t0 + len, s);
    }
    return s;
  }

  /** Loss of the final state and its gradient w.r.t. params and s0 (states kept at segment boundaries only). */
  valueAndGrad(params: Tensor, s0: Tensor, steps: number, loss: FinalLoss, extra?: Tensor): ThroughTimeResult {
    let traj = this.finals.get(loss);
    // one trajectory loss per final loss, so its gradient is compiled once
    if (!traj) this.finals.set(loss, (traj = (states, g) => loss(states[states.length - 1], g)));
    return this.trajectoryValueAndGrad(params, s0, steps, traj, extra);
  }

  /**
   * Loss of the segment-boundary states and its gradient w.r.t. params and s0: the states at boundaries are kept,
   * each segment is recomputed in the reverse sweep, and the loss's cotangent of boundary k joins the sweep there.
   * With truncateEvery the gradient is the truncated one (module doc); a segment whose incoming cotangent is zero
   * (before the last cut of a final-state loss) contributes nothing and is skipped.
   */
  trajectoryValueAndGrad(params: Tensor, s0: Tensor, steps: number, loss: TrajectoryLoss, extra?: Tensor): ThroughTimeResult {
    checkSteps('valueAndGrad', steps, this.segmentLength);
    const xs = extra ? [extra] : [];
    const parts = segments(steps, this.segmentLength);
    const saved: Tensor[] = [s0];
    for (const [t0, len] of parts) saved.push(this.forward(len)(params, saved[saved.length - 1], fx.scalar(t0, params.dtype), ...xs));
    const [value, cts] = this.lossGrad(loss)(saved, ...xs);
    let ct = cts[parts.length];
    const grad = new Float64Array(params.size);
    for (let k = parts.length - 1; k >= 0; k--) {
      const [t0, len] = parts[k];
      if (this.truncateEvery !== undefined && isZero(ct)) {
        ct = cts[k];
        continue;
      }
      const keep = cutMask(t0, len, this.truncateEvery);
      const at = fx.scalar(t0, params.dtype);
      const [ctP, ctS] = keep
        ? this.truncatedBackward(len)(params, saved[k], at, fx.tensor(keep, [len], params.dtype), ct, ...xs)
        : this.backward(len)(params, saved[k], at, ct, ...xs);
      const g = ctP.dataSync();
      for (let i = 0; i < grad.length; i++) grad[i] += g[i];
      ct = fx.add(ctS, cts[k]);
    }
    return { loss: value.dataSync()[0], grad, stateGrad: ct, finalState: saved[saved.length - 1] };
  }
}
