/**
 * MPM optimisation tasks on the core program: hit a target with the centre of mass by one initial velocity shared by
 * all particles, and recover Young's modulus from an observed trajectory. Gradients come from the core's autodiff
 * through jitted, checkpointed segments (MpmSegments); the hand-written adjoints these replace are test oracles.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { Adam } from '../../optim/adam.js';
import { MpmSegments } from './segments.js';
import { packState, unpackState } from './state.js';
import { coreMpm, type CoreMpm, type CoreMpmOptions } from './step.js';

/**
 * Steps per segment for a rollout of `steps`: every state ('all'), or about sqrt(steps) ('sqrt', memory O(sqrt T)):
 * the divisor of `steps` in [sqrt(T) / 2, 2 sqrt(T)] nearest sqrt(T) where there is one, so every segment has the
 * same length and one segment and one segment vjp are compiled (seconds each), else ceil(sqrt(T)).
 */
export function checkpointSegment(steps: number, mode: 'all' | 'sqrt'): number {
  if (mode === 'all' || steps <= 1) return 1;
  const root = Math.sqrt(steps);
  let best = 0;
  for (let d = Math.ceil(root / 2); d <= 2 * root; d++)
    if (steps % d === 0 && (!best || Math.abs(d - root) < Math.abs(best - root))) best = d;
  return best || Math.ceil(root);
}

/** Component-major [d, N] positions from particle-major ones [x0, y0, (z0,) x1, ...]. */
export function componentMajor(particles: ArrayLike<number>, dim: number): Float64Array {
  const n = particles.length / dim;
  const out = new Float64Array(particles.length);
  for (let p = 0; p < n; p++) for (let k = 0; k < dim; k++) out[k * n + p] = particles[dim * p + k];
  return out;
}

/** The packed initial state with every particle at `positions` (particle-major) moving at the one velocity `vel`. */
export function sharedVelocityState(sim: CoreMpm, positions: ArrayLike<number>, vel: ArrayLike<number>): Tensor {
  const { dim, n } = sim.shape;
  const v = new Float64Array(dim * n);
  for (let k = 0; k < dim; k++) v.fill(vel[k], k * n, (k + 1) * n);
  const x = fx.tensor(componentMajor(positions, dim), [dim, n], sim.dtype);
  return packState(sim.initialState(x, fx.tensor(v, [dim, n], sim.dtype)));
}

/** Sum of each component's rows of a packed-state cotangent over particles: d loss / d (shared velocity). */
function velocityGrad(stateGrad: Tensor, dim: number, n: number): Float64Array {
  const g = stateGrad.dataSync();
  const out = new Float64Array(dim);
  for (let k = 0; k < dim; k++) for (let p = 0; p < n; p++) out[k] += g[(dim + k) * n + p];
  return out;
}

/**
 * |centre of mass after `steps` - target|^2 as a function of one initial velocity shared by all particles, with its
 * gradient (the velocity rows of d loss / d s0, summed over particles).
 */
export function targetLoss(
  runner: MpmSegments,
  positions: ArrayLike<number>,
  target: readonly number[],
  steps: number,
): (vel: ArrayLike<number>) => { loss: number; grad: Float64Array } {
  const sim = runner.sim;
  const { dim, n } = sim.shape;
  const goal = fx.tensor(Float64Array.from(target), [dim], sim.dtype);
  const loss = (sT: Tensor): Tensor => {
    const d = fx.sub(fx.mean(unpackState(sT, sim.shape).x, 1), goal);
    return fx.sum(fx.mul(d, d));
  };
  const params = runner.moduli();
  return (vel) => {
    const r = runner.valueAndGrad(params, sharedVelocityState(sim, positions, vel), steps, loss);
    return { loss: r.loss, grad: velocityGrad(r.stateGrad, dim, n) };
  };
}

export interface HitTargetOptions {
  steps: number;
  iterations: number;
  lr?: number;
  initialVelocity?: [number, number];
  mode?: 'all' | 'sqrt';
}

export interface HitTargetResult {
  velocity: [number, number];
  /** Loss |centre_T - target|^2 before each update, and after the last one. */
  history: number[];
}

/** Optimise one initial velocity shared by all particles so the final centre of mass lands on `target` (2D). */
export function hitTarget(opts: CoreMpmOptions, positions: Float64Array, target: [number, number], o: HitTargetOptions): HitTargetResult {
  const sim = coreMpm({ ...opts, dim: 2 });
  const evaluate = targetLoss(new MpmSegments(sim, checkpointSegment(o.steps, o.mode ?? 'sqrt')), positions, target, o.steps);
  const vel = Float64Array.from(o.initialVelocity ?? [0, 0]);
  const adam = new Adam({ lr: o.lr ?? 0.3, betas: [0.5, 0.999] });
  const history: number[] = [];
  for (let it = 0; it < o.iterations; it++) {
    const { loss, grad } = evaluate(vel);
    history.push(loss);
    adam.step(vel, grad);
  }
  history.push(evaluate(vel).loss);
  return { velocity: [vel[0], vel[1]], history };
}

/** Particle-major positions [x0, y0, x1, ...] of a packed state. */
function particlePositions(s: Tensor, dim: number, n: number): Float64Array {
  const d = s.dataSync();
  const out = new Float64Array(dim * n);
  for (let p = 0; p < n; p++) for (let k = 0; k < dim; k++) out[dim * p + k] = d[k * n + p];
  return out;
}

/** The packed initial state of particles at `positions` with `velocities` (both particle-major; velocities default 0). */
function particleState(sim: CoreMpm, positions: ArrayLike<number>, velocities?: ArrayLike<number>): Tensor {
  const { dim, n } = sim.shape;
  const v = velocities ? fx.tensor(componentMajor(velocities, dim), [dim, n], sim.dtype) : undefined;
  return packState(sim.initialState(fx.tensor(componentMajor(positions, dim), [dim, n], sim.dtype), v));
}

/** Positions (particle-major) at t = 0, every, 2 every, ... <= steps from a forward run (the "observation"), 2D. */
export function observeTrajectory(
  opts: CoreMpmOptions,
  positions: Float64Array,
  velocities: Float64Array | undefined,
  steps: number,
  every = 1,
): Float64Array[] {
  const runner = new MpmSegments(coreMpm({ ...opts, dim: 2 }), every);
  const out: Float64Array[] = [];
  const { dim, n } = runner.sim.shape;
  runner.simulate(
    runner.moduli(),
    particleState(runner.sim, positions, velocities),
    every * Math.floor(steps / every),
    undefined,
    (_t, s) => out.push(particlePositions(s, dim, n)),
  );
  return out;
}

export interface IdentifyEOptions {
  steps: number;
  iterations: number;
  /** Initial guess of E. */
  E0: number;
  /** Adam learning rate on log E. */
  lr?: number;
  /** Observed positions every `observeEvery` steps: observed[k] is the state at step k * observeEvery. */
  observeEvery?: number;
}

export interface IdentifyEResult {
  E: number;
  history: { E: number; loss: number }[];
}

/**
 * Recover Young's modulus from an observed trajectory (2D): minimise sum_k sum_p |x_p(k * every) - observed[k]_p|^2
 * over log E with Adam (other options fixed); one segment per observation interval, so the reverse sweep keeps the
 * observed states only.
 */
export function identifyYoungsModulus(
  opts: CoreMpmOptions,
  positions: Float64Array,
  velocities: Float64Array | undefined,
  observed: Float64Array[],
  o: IdentifyEOptions,
): IdentifyEResult {
  const every = o.observeEvery ?? 1;
  if (!(o.E0 > 0)) throw new Error(`identifyYoungsModulus: E0 must be > 0, got ${o.E0}`);
  const frames = Math.floor(o.steps / every);
  if (observed.length !== frames + 1) {
    throw new Error(`identifyYoungsModulus: observed has ${observed.length} frames, expected ${frames + 1} (steps / observeEvery + 1)`);
  }
  const runner = new MpmSegments(coreMpm({ ...opts, dim: 2 }), every);
  const sim = runner.sim;
  const { dim, n } = sim.shape;
  const obs = observed.map((f) => fx.tensor(componentMajor(f, dim), [dim, n], sim.dtype));
  const loss = (states: readonly Tensor[]): Tensor =>
    states
      .map((s, k) => {
        const d = fx.sub(unpackState(s, sim.shape).x, obs[k]);
        return fx.sum(fx.mul(d, d));
      })
      .reduce((a, b) => fx.add(a, b));
  const s0 = particleState(sim, positions, velocities);
  const logE = Float64Array.of(Math.log(o.E0));
  const adam = new Adam({ lr: o.lr ?? 0.1, betas: [0.5, 0.999] });
  const history: { E: number; loss: number }[] = [];
  for (let it = 0; it <= o.iterations; it++) {
    const E = Math.exp(logE[0]);
    const r = runner.trajectoryValueAndGrad(runner.moduli(E), s0, every * frames, loss);
    history.push({ E, loss: r.loss });
    if (it === o.iterations) break;
    adam.step(logE, Float64Array.of(r.grad[0] * E)); // d/d log E
  }
  return { E: history[history.length - 1].E, history };
}
