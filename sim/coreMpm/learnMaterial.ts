/**
 * Fitting a learned constitutive law to observed particle motion (NCLaw's training, elastic part): the loss is the
 * mean squared particle position error against observed frames, over a rollout of the core MPM, differentiated in
 * the law's parameters theta through the whole rollout (checkpointed segments) and minimised with Adam.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { Adam } from '../../optim/adam.js';
import { checkInsideGrid, gridErrors, mpmRollout, type RolloutParams } from './rollout.js';
import type { MpmState } from './state.js';
import type { CoreMpm, MpmParams } from './step.js';

/** One observed motion: the initial state and particle positions [d, N] every `every` steps (frames 1..K). */
// a type alias, not an interface: object types without an index signature are pytrees only as aliases
export type Observation = {
  state0: MpmState;
  frames: Tensor[];
};

/**
 * Positions [d, N] after every `every` steps, `count` frames (the rollout between frames is checkpointed). With
 * `truncateEvery` (a multiple of `every`), the state is stop_gradient-ed after each frame at a multiple of it: truncated
 * backpropagation through time, each frame's error reaching back at most truncateEvery steps.
 */
export function observeFrames(
  sim: CoreMpm,
  state0: MpmState,
  params: RolloutParams,
  every: number,
  count: number,
  truncateEvery?: number,
): Tensor[] {
  if (!Number.isInteger(every) || every < 1) throw new Error(`observeFrames: every must be a positive integer, got ${every}`);
  checkTruncation(every, truncateEvery);
  const out: Tensor[] = [];
  let st = state0;
  for (let k = 1; k <= count; k++) {
    st = mpmRollout(sim, st, params, every);
    out.push(st.x);
    // the frame's own error still sees the window it ends; the next window starts from a frozen state
    if (truncateEvery !== undefined && (k * every) % truncateEvery === 0) st = fx.mapTree(fx.stopGradient, st);
  }
  return out;
}

function checkTruncation(every: number, truncateEvery: number | undefined): void {
  if (truncateEvery !== undefined && !(Number.isInteger(truncateEvery) && truncateEvery >= 1 && truncateEvery % every === 0))
    throw new Error(`observeFrames: truncateEvery must be a positive multiple of every (${every}), got ${truncateEvery}`);
}

/**
 * Mean over frames and particles of |x - x_obs|^2 / scale^2 (scale: the body's size, so the loss reads as squared
 * relative error), for the law with parameters theta.
 */
export function trajectoryLoss(
  sim: CoreMpm,
  obs: Observation,
  theta: Tensor,
  every: number,
  scale: number,
  truncateEvery?: number,
): Tensor {
  const { E, nu } = sim.params();
  const xs = observeFrames(sim, obs.state0, { E, nu, theta }, every, obs.frames.length, truncateEvery);
  let total: Tensor = fx.scalar(0, sim.dtype);
  xs.forEach((x, k) => {
    const d = fx.sub(x, obs.frames[k]);
    total = fx.add(total, fx.sum(fx.mul(d, d)));
  });
  return fx.mul(total, 1 / (obs.frames.length * sim.shape.n * scale * scale));
}

/** Mean particle distance |x - x_ref| / scale at each frame: the evaluation metric. */
export function relativeDistances(xs: readonly Tensor[], ref: readonly Tensor[], scale: number): number[] {
  return xs.map((x, k) => {
    const d = fx.sub(x, ref[k]);
    const dist = fx.sqrt(fx.sum(fx.mul(d, d), 0));
    return fx.mean(dist).item() / scale;
  });
}

export interface FitOptions {
  /** steps between observed frames */
  every: number;
  /** the body's size (loss normalisation) */
  scale: number;
  iterations: number;
  /** Adam's learning rate (default 1e-2) */
  lr?: number;
  /** called after each iteration with the loss before the update */
  onIteration?: (it: number, loss: number) => void;
}

export interface FitResult {
  theta: Tensor;
  /** loss before each update (summed over observations) */
  losses: number[];
}

/**
 * The jitted value and gradient in theta of trajectoryLoss with scale 1 (callers divide by their scale^2 on the host,
 * so a scale never enters a compiled graph: the jit cache is keyed by shapes only). One compiled graph per observation
 * shape (particle count, frame count).
 */
export function trajectoryValueAndGrad(
  sim: CoreMpm,
  every: number,
  /** truncated backpropagation through time (observeFrames) */
  truncateEvery?: number,
): (theta: Tensor, ob: Observation) => { loss: number; grad: Float64Array } {
  if (sim.material !== 'neural') throw new Error(`trajectoryValueAndGrad: the simulator's material must be 'neural', got ${sim.material}`);
  checkTruncation(every, truncateEvery);
  const vg = fx.jit(fx.valueAndGrad((th: Tensor, ob: Observation) => trajectoryLoss(sim, ob, th, every, 1, truncateEvery), 0));
  return (theta, ob) => {
    const [value, g] = gridErrors(() => vg(theta, ob) as [Tensor, Tensor]);
    return { loss: value.item(), grad: Float64Array.from(g.dataSync()) };
  };
}

/**
 * A host-driven rollout for evaluation and data generation: the states after every `every` steps, `count` frames, from
 * one jitted graph of `every` steps (no checkpointing; nothing is differentiated). A particle off the grid, at a frame
 * or inside a step (the transfer kernel refuses it), raises ParticleLeftGridError.
 */
export function frameRollout(sim: CoreMpm, every: number): (state0: MpmState, params: RolloutParams, count: number) => MpmState[] {
  if (!Number.isInteger(every) || every < 1) throw new Error(`frameRollout: every must be a positive integer, got ${every}`);
  const advance = fx.jit((s: MpmState, p: MpmParams) => mpmRollout(sim, s, p, every, { segment: 'none' }));
  return (state0, params, count) => {
    // no undefined entries in the jitted function's pytree
    const p: MpmParams = params.theta ? { E: params.E, nu: params.nu, theta: params.theta } : { E: params.E, nu: params.nu };
    const out: MpmState[] = [];
    let st = state0;
    for (let k = 0; k < count; k++) {
      st = gridErrors(() => advance(st, p));
      checkInsideGrid(st.x.dataSync(), sim.dim, sim.shape.n, sim.opts.nGrid);
      out.push(st);
    }
    return out;
  };
}

/** Adam on theta through the rollouts of every observation (one jitted value-and-gradient per observation shape). */
export function fitNeuralMaterial(sim: CoreMpm, observations: readonly Observation[], theta0: Tensor, o: FitOptions): FitResult {
  const vg = trajectoryValueAndGrad(sim, o.every);
  const opt = new Adam({ lr: o.lr ?? 1e-2 });
  const params = Float64Array.from(theta0.dataSync());
  const losses: number[] = [];
  const s2 = o.scale * o.scale;
  for (let it = 0; it < o.iterations; it++) {
    const grad = new Float64Array(params.length);
    let loss = 0;
    for (const ob of observations) {
      const r = vg(fx.tensor(params, theta0.shape, sim.dtype), ob);
      loss += r.loss / s2;
      for (let i = 0; i < grad.length; i++) grad[i] += r.grad[i] / s2;
    }
    if (!Number.isFinite(loss)) throw new Error(`fitNeuralMaterial: loss is ${loss} at iteration ${it}`);
    losses.push(loss);
    o.onIteration?.(it, loss);
    opt.step(params, grad);
  }
  return { theta: fx.tensor(params, theta0.shape, sim.dtype), losses };
}
