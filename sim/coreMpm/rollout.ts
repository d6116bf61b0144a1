/**
 * Rollouts of the core MLS-MPM step.
 * - mpmRollout: a pure function of tensors (fx.grad, fx.vjp, fx.jit apply to it); with `segment` steps per
 *   fx.checkpoint, reverse mode keeps only each segment's input state and recomputes the segment when the
 *   backward pass reaches it, so a gradient holds O(T / segment + segment) states (segment = sqrt T by default).
 * - CoreMpmStepper: the same step jitted once (and its vjp jitted once) behind sim/checkpoint.ts's TimeStepper,
 *   so reverseThroughTime drives long rollouts on the host with sqrt(T) checkpoints. A jitted graph of one
 *   step stays small; unrolling thousands of steps into one graph would not compile in reasonable time.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import type { TimeStepper } from '../checkpoint.js';
import { ParticleLeftGridError } from '../mpmOptions.js';
import { packState, stateFromRows, stateRows, stateSize, unpackState, type MpmState } from './state.js';
import type { CoreMpm } from './step.js';

export interface RolloutParams {
  E: Tensor;
  nu: Tensor;
  /** per-step actuation [steps, N] (row t drives step t); omitted = none */
  actuation?: Tensor;
  /** the learned law's flat parameters (material 'neural') */
  theta?: Tensor;
}

export interface RolloutOptions {
  /** steps per checkpointed segment: 'sqrt' (default) = ceil(sqrt(steps)); 0 or 'none' = no checkpointing */
  segment?: number | 'sqrt' | 'none';
}

export function segmentLength(steps: number, segment: RolloutOptions['segment'] = 'sqrt'): number {
  if (segment === 'none' || segment === 0) return 0;
  if (segment === 'sqrt') return Math.max(1, Math.ceil(Math.sqrt(steps)));
  if (!Number.isInteger(segment) || segment < 0)
    throw new Error(`mpmRollout: segment must be a non-negative integer, 'sqrt' or 'none', got ${segment}`);
  return segment;
}

const actuationRow = (act: Tensor, t: number): Tensor => fx.reshape(fx.slice(act, [t, 0], [1, act.shape[1]]), [act.shape[1]]);

function runSteps(sim: CoreMpm, s: MpmState, steps: number, E: Tensor, nu: Tensor, act?: Tensor, theta?: Tensor): MpmState {
  let st = s;
  for (let t = 0; t < steps; t++) st = sim.step(st, { E, nu, actuation: act ? actuationRow(act, t) : undefined, theta });
  return st;
}

/** The state after `steps` steps from state0. */
export function mpmRollout(sim: CoreMpm, state0: MpmState, params: RolloutParams, steps: number, options: RolloutOptions = {}): MpmState {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`mpmRollout: steps must be a non-negative integer, got ${steps}`);
  const { E, nu, actuation, theta } = params;
  if (actuation && (actuation.rank !== 2 || actuation.shape[0] < steps || actuation.shape[1] !== sim.shape.n)) {
    throw new Error(`mpmRollout: actuation must be [steps >= ${steps}, ${sim.shape.n}], got [${actuation.shape.join(', ')}]`);
  }
  const seg = segmentLength(steps, options.segment);
  if (!seg) return runSteps(sim, state0, steps, E, nu, actuation, theta);
  let flat = packState(state0);
  for (let t0 = 0; t0 < steps; t0 += seg) {
    const k = Math.min(seg, steps - t0);
    // checkpoint takes tensors only: theta, when present, travels as the last argument after the optional actuation
    const segmentFn = fx.checkpoint((s: Tensor, e: Tensor, v: Tensor, ...rest: Tensor[]) => {
      const th = theta ? rest[rest.length - 1] : undefined;
      return packState(runSteps(sim, unpackState(s, sim.shape), k, e, v, actuation ? rest[0] : undefined, th));
    });
    const a = actuation ? [fx.slice(actuation, [t0, 0], [k, sim.shape.n])] : [];
    flat = segmentFn(flat, E, nu, ...a, ...(theta ? [theta] : []));
  }
  return unpackState(flat, sim.shape);
}

/**
 * The B-spline stencil must stay on the grid: the core's gather/scatter would read a wrong node instead of failing.
 * x: positions component-major ([d, N] flattened; a packed state starts with them).
 */
export function checkInsideGrid(x: ArrayLike<number>, dim: number, n: number, nGrid: number): void {
  for (let i = 0; i < dim * n; i++) {
    const b = Math.floor(x[i] * nGrid - 0.5);
    if (!(b >= 0 && b <= nGrid - 3)) {
      throw new ParticleLeftGridError(
        `MPM: particle ${i % n} at ${x[i]} (axis ${Math.floor(i / n)}) left the grid (needs 0.5*dx <= x < 1 - 1.5*dx)`,
      );
    }
  }
}

/**
 * The core's B-spline transfer refuses a particle off the grid with a RangeError (a particle can leave between two
 * host checks, or turn NaN): rethrown as the simulators' ParticleLeftGridError so runners report a divergence.
 */
export function gridErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError && e.message.startsWith('bsplineTransfer: '))
      throw new ParticleLeftGridError(`MPM: ${e.message.slice(17)}`);
    throw e;
  }
}

export interface CoreMpmGrads {
  E: number;
  nu: number;
  /** d loss / d actuation, layout steps x N, or empty */
  actuation: Float64Array;
}

/**
 * The core step as a TimeStepper on flat Float64Array states in packState's (component-major) order, for
 * reverseThroughTime: forward is the jitted step, backward the jitted vjp of one step; parameter cotangents
 * accumulate in `grads` as in the hand-written simulators.
 */
export class CoreMpmStepper implements TimeStepper {
  readonly stateSize: number;
  readonly grads: CoreMpmGrads = { E: 0, nu: 0, actuation: new Float64Array(0) };
  /** per-step actuation a[t * N + p] (empty = none) */
  actuation: Float64Array = new Float64Array(0);
  E: number;
  nu: number;
  /** the state's rows, each [N] (no slicing in the jitted graphs: the cotangent of a slice is a padded full copy) */
  private readonly rowCount: number;
  private readonly stepRows: (...xs: Tensor[]) => Tensor;
  private readonly fwd: (rs: Tensor[], E: Tensor, nu: Tensor, a: Tensor[]) => Tensor;
  /** the step's vjp as a compiled forward half with residuals and a backward half, with and without actuation */
  private readonly split = new Map<boolean, fx.SplitVjp>();
  /** residuals kept by recompute for the backward of the same step and state, in buffers of `pool` */
  private kept: { t: number; s: Float64Array; residuals: Tensor[] }[] = [];
  private pool: Float64Array[][] = [];

  constructor(readonly sim: CoreMpm) {
    if (sim.dtype !== 'f64') throw new Error('CoreMpmStepper: the host-driven rollout runs in f64');
    this.stateSize = stateSize(sim.shape);
    this.rowCount = stateRows(sim.shape);
    this.E = sim.opts.E;
    this.nu = sim.opts.nu;
    const rc = this.rowCount;
    // inputs: the state's rows, E, nu, then the optional actuation row
    const stepRows = (...xs: Tensor[]): Tensor =>
      packState(sim.step(stateFromRows(xs.slice(0, rc), sim.shape), { E: xs[rc], nu: xs[rc + 1], actuation: xs[rc + 2] }));
    this.stepRows = stepRows;
    // outputs are copied out at once: the compiled step reuses its output buffers (no fresh pages every step)
    this.fwd = fx.jit((rs: Tensor[], E: Tensor, nu: Tensor, a: Tensor[]) => stepRows(...rs, E, nu, ...a), { reuseOutputs: true });
  }

  private splitFor(actuated: boolean): fx.SplitVjp {
    let sp = this.split.get(actuated);
    if (!sp) {
      const row = { shape: [this.sim.shape.n], dtype: 'f64' as const };
      const scalar = { shape: [], dtype: 'f64' as const };
      const avals = [...Array.from({ length: this.rowCount }, () => row), scalar, scalar, ...(actuated ? [row] : [])];
      sp = fx.splitVjp(this.stepRows, avals, { reuseOutputs: true });
      this.split.set(actuated, sp);
    }
    return sp;
  }

  private flatArgs(t: number, s: Float64Array): Tensor[] {
    const [rs, E, nu, a] = this.args(t, s);
    return [...rs, E, nu, ...a];
  }

  /** Set per-step actuation (length steps * N) and size its gradient buffer. */
  setActuation(a: Float64Array): void {
    const n = this.sim.shape.n;
    if (a.length % n !== 0) throw new Error(`CoreMpmStepper.setActuation: length ${a.length} is not a multiple of nParticles ${n}`);
    this.actuation = a;
    this.grads.actuation = new Float64Array(a.length);
  }

  resetGrads(): void {
    this.grads.E = 0;
    this.grads.nu = 0;
    this.grads.actuation.fill(0);
  }

  private args(t: number, s: Float64Array): [Tensor[], Tensor, Tensor, Tensor[]] {
    const n = this.sim.shape.n;
    // fromBuffer wraps without copying: the compiled step copies its inputs into its arena anyway
    const act = this.actuation.length ? [fx.fromBuffer(this.rowOf(t), [n])] : [];
    const rs = Array.from({ length: this.rowCount }, (_, k) => fx.fromBuffer(s.subarray(k * n, (k + 1) * n), [n]));
    return [rs, fx.scalar(this.E, 'f64'), fx.scalar(this.nu, 'f64'), act];
  }

  /** Actuation of step t (zeros past the end, as the hand-written simulators). */
  private rowOf(t: number): Float64Array {
    const n = this.sim.shape.n;
    return (t + 1) * n <= this.actuation.length ? this.actuation.subarray(t * n, (t + 1) * n) : new Float64Array(n);
  }

  private checkInside(s: Float64Array): void {
    checkInsideGrid(s, this.sim.dim, this.sim.shape.n, this.sim.opts.nGrid);
  }

  forward(t: number, s: Float64Array, out: Float64Array): void {
    this.checkInside(s);
    out.set(this.fwd(...this.args(t, s)).dataSync());
  }

  /** Bytes recompute keeps per step until that step's backward (the split's residuals; memory accounting). */
  residualBytes(): number {
    const n = this.sim.shape.n;
    const s = new Float64Array(this.stateSize);
    // a state inside the grid: the rest positions of the particles do not matter for the sizes
    s.fill(0.5, 0, this.sim.dim * n);
    const { residuals } = this.splitFor(this.actuation.length > 0).forward(...this.flatArgs(0, s));
    return residuals.reduce((a, r) => a + 8 * r.size, 0);
  }

  /** The forward step keeping its residuals for backward(t, s) (reverseThroughTime's segment recomputation). */
  recompute(t: number, s: Float64Array, out: Float64Array): void {
    this.checkInside(s);
    const { out: next, residuals } = this.splitFor(this.actuation.length > 0).forward(...this.flatArgs(t, s));
    out.set(next.dataSync());
    // what an abandoned sweep kept for this step or later ones is stale
    this.drop(this.kept.findIndex((k) => k.t >= t));
    // the split's outputs are overwritten by its next call: the kept residuals are copies, in recycled buffers
    const bufs = this.pool.pop() ?? residuals.map((r) => new Float64Array(r.size));
    const kept = residuals.map((r, i) => {
      bufs[i].set(r.dataSync());
      return fx.fromBuffer(bufs[i], [...r.shape]);
    });
    this.kept.push({ t, s, residuals: kept });
  }

  /** Forgets the kept residuals from index `at` on (none when at < 0), recycling their buffers. */
  private drop(at: number): void {
    if (at < 0) return;
    for (const k of this.kept.splice(at)) this.pool.push(k.residuals.map((r) => r.dataSync() as Float64Array));
  }

  backward(t: number, s: Float64Array, gOut: Float64Array, gIn: Float64Array): void {
    const rc = this.rowCount;
    const n = this.sim.shape.n;
    const split = this.splitFor(this.actuation.length > 0);
    // the residuals recompute kept for this step and state, dropped with any kept for later steps (already passed)
    const at = this.kept.findIndex((k) => k.t === t && k.s === s);
    const xs = this.flatArgs(t, s);
    const residuals = at >= 0 ? this.kept[at].residuals : split.forward(...xs).residuals;
    const cts = split.backward(xs, residuals, fx.fromBuffer(gOut, [gOut.length]));
    this.drop(at);
    for (let k = 0; k < rc; k++) gIn.set(cts[k].dataSync(), k * n);
    const [gE, gnu, ga] = cts.slice(rc);
    this.grads.E += gE.item();
    this.grads.nu += gnu.item();
    if (ga && (t + 1) * n <= this.grads.actuation.length) {
      const g = ga.dataSync();
      for (let p = 0; p < n; p++) this.grads.actuation[t * n + p] += g[p];
    }
  }
}
