/** MPM optimisation tasks: hit a target by initial velocity, identify Young's modulus. */
import { Adam } from '../../optim/adam.js';
import { reverseThroughTime, type CheckpointMode } from '../checkpoint.js';
import { Mulberry32 } from '../../core/random.js';
import { Mpm2D } from './mpm2d.js';
import type { MpmOptions } from './mpmBase.js';

/** Particles on a lattice (optionally jittered) filling [x0, x0 + w] x [y0, y0 + h]. */
export function blockParticles2D(nx: number, ny: number, x0: number, y0: number, w: number, h: number, jitterSeed?: number): Float64Array {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1)
    throw new Error(`blockParticles2D: nx, ny must be positive integers, got ${nx}, ${ny}`);
  const rng = jitterSeed === undefined ? null : new Mulberry32(jitterSeed);
  const out = new Float64Array(2 * nx * ny);
  let k = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const jx = rng ? 0.3 * (rng.next() - 0.5) : 0,
        jy = rng ? 0.3 * (rng.next() - 0.5) : 0;
      out[k++] = x0 + ((i + 0.5 + jx) * w) / nx;
      out[k++] = y0 + ((j + 0.5 + jy) * h) / ny;
    }
  }
  return out;
}

function centre(s: Float64Array, n: number): [number, number] {
  let cx = 0,
    cy = 0;
  for (let p = 0; p < n; p++) {
    cx += s[2 * p];
    cy += s[2 * p + 1];
  }
  return [cx / n, cy / n];
}

export interface HitTargetOptions {
  steps: number;
  iterations: number;
  lr?: number;
  initialVelocity?: [number, number];
  mode?: CheckpointMode;
}

export interface HitTargetResult {
  velocity: [number, number];
  /** Loss |centre_T - target|^2 before each update, and after the last one. */
  history: number[];
}

/** The initial state with every particle moving at the one velocity `vel`. */
export function sharedVelocityState(sim: Mpm2D, positions: Float64Array, vel: ArrayLike<number>): Float64Array {
  const v = new Float64Array(2 * sim.n);
  for (let p = 0; p < sim.n; p++) {
    v[2 * p] = vel[0];
    v[2 * p + 1] = vel[1];
  }
  return sim.initialState(positions, v);
}

/**
 * |centre of mass after `steps` - target|^2 as a function of one initial velocity shared by all
 * particles, with its gradient: the sum of the per-particle velocity cotangents.
 */
export function targetLoss(
  sim: Mpm2D,
  positions: Float64Array,
  target: readonly [number, number],
  steps: number,
  mode: CheckpointMode = 'sqrt',
): (vel: ArrayLike<number>) => { loss: number; grad: Float64Array } {
  const n = sim.n;
  return (vel) => {
    const r = reverseThroughTime(
      sim,
      sharedVelocityState(sim, positions, vel),
      steps,
      (t, s, g) => {
        if (t !== steps) return 0;
        const [cx, cy] = centre(s, n);
        const ex = cx - target[0],
          ey = cy - target[1];
        for (let p = 0; p < n; p++) {
          g[2 * p] += (2 * ex) / n;
          g[2 * p + 1] += (2 * ey) / n;
        }
        return ex * ex + ey * ey;
      },
      mode,
    );
    const grad = new Float64Array(2);
    for (let p = 0; p < n; p++) {
      grad[0] += r.initialStateGrad[2 * n + 2 * p];
      grad[1] += r.initialStateGrad[2 * n + 2 * p + 1];
    }
    return { loss: r.loss, grad };
  };
}

/** Optimise one initial velocity shared by all particles so the final centre of mass lands on `target`. */
export function hitTarget(opts: MpmOptions, positions: Float64Array, target: [number, number], o: HitTargetOptions): HitTargetResult {
  const evaluate = targetLoss(new Mpm2D(opts), positions, target, o.steps, o.mode ?? 'sqrt');
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

/** Positions x_t for t = 0, every, 2 every, ... <= steps from a forward run (the "observation"). */
export function observeTrajectory(
  opts: MpmOptions,
  positions: Float64Array,
  velocities: Float64Array | undefined,
  steps: number,
  every = 1,
): Float64Array[] {
  const sim = new Mpm2D(opts);
  const out: Float64Array[] = [];
  const s0 = sim.initialState(positions, velocities);
  let a: Float64Array = s0,
    b: Float64Array = new Float64Array(sim.stateSize);
  out.push(a.slice(0, 2 * sim.n));
  for (let t = 1; t <= steps; t++) {
    sim.forward(t - 1, a, b);
    [a, b] = [b, a];
    if (t % every === 0) out.push(a.slice(0, 2 * sim.n));
  }
  return out;
}

/**
 * Recover Young's modulus from an observed trajectory: minimise
 * sum_k sum_p |x_p(k * every) - observed[k]_p|^2 over log E with Adam (other options fixed).
 */
export function identifyYoungsModulus(
  opts: MpmOptions,
  positions: Float64Array,
  velocities: Float64Array | undefined,
  observed: Float64Array[],
  o: IdentifyEOptions,
): IdentifyEResult {
  const every = o.observeEvery ?? 1;
  if (!(o.E0 > 0)) throw new Error(`identifyYoungsModulus: E0 must be > 0, got ${o.E0}`);
  if (observed.length !== Math.floor(o.steps / every) + 1) {
    throw new Error(
      `identifyYoungsModulus: observed has ${observed.length} frames, expected ${Math.floor(o.steps / every) + 1} (steps / observeEvery + 1)`,
    );
  }
  const logE = Float64Array.of(Math.log(o.E0));
  const adam = new Adam({ lr: o.lr ?? 0.1, betas: [0.5, 0.999] });
  const history: { E: number; loss: number }[] = [];
  const grad = new Float64Array(1);
  for (let it = 0; it <= o.iterations; it++) {
    const E = Math.exp(logE[0]);
    const sim = new Mpm2D({ ...opts, E });
    const n2 = 2 * sim.n;
    const r = reverseThroughTime(
      sim,
      sim.initialState(positions, velocities),
      o.steps,
      (t, s, g) => {
        if (t % every !== 0) return 0;
        const obs = observed[t / every];
        let l = 0;
        for (let i = 0; i < n2; i++) {
          const d = s[i] - obs[i];
          l += d * d;
          g[i] += 2 * d;
        }
        return l;
      },
      'sqrt',
    );
    history.push({ E, loss: r.loss });
    if (it === o.iterations) break;
    grad[0] = sim.grads.E * E; // d/d log E
    adam.step(logE, grad);
  }
  return { E: history[history.length - 1].E, history };
}
