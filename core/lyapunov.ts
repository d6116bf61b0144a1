// Chaos guard (Metz et al. 2021, "Gradients are Not All You Need"): gradients through a long rollout
// explode when the rollout's Jacobians grow; the largest Lyapunov exponent measures that growth per step.
// Estimated the Benettin way: one tangent pushed through each step by jvp, renormalised every step.
import { jit, jvp } from './api.js';
import * as ops from './ops.js';
import { Mulberry32 } from './random.js';
import { type Tensor, tensor } from './tensor.js';

export interface RolloutGrowth {
  /** log of the tangent's growth factor over each stretch of `stride` steps (the last may be shorter) */
  logGrowth: number[];
  /** simulated steps per logGrowth entry: 1 for rolloutGrowth, the segment length for a segmented rollout */
  stride: number;
  /** steps in all */
  steps: number;
  /** mean log growth per step: the largest Lyapunov exponent (> 0: gradients through the rollout explode) */
  exponent: number;
  /** e^(exponent * steps): how much a gradient through the whole rollout is amplified */
  amplification: number;
}

/** A tangent map: (x, v, ...rest) -> [f(x, ...rest), df/dx v normalised, |df/dx v|]; rest is held fixed. */
export type TangentMap = (x: Tensor, v: Tensor, ...rest: Tensor[]) => [Tensor, Tensor, Tensor];

/** One Benettin step of `f` in its first argument, jitted: the tangent is pushed through by jvp and renormalised. */
export function tangentMap(f: (x: Tensor, ...rest: Tensor[]) => Tensor): TangentMap {
  const advance = jit((x: Tensor, v: Tensor, ...rest: Tensor[]) => {
    const [y, t] = jvp((z: Tensor) => f(z, ...rest), [x], [v]);
    const norm = ops.sqrt(ops.sum(ops.square(t)));
    return [y, ops.div(t, norm), norm];
  });
  return (x, v, ...rest) => advance(x, v, ...rest) as [Tensor, Tensor, Tensor];
}

/** v / |v|. */
export const unitTangent = (v: Tensor): Tensor => ops.div(v, ops.sqrt(ops.sum(ops.square(v))));

/** A seeded standard-normal tangent shaped like x (its dtype): a start direction with a component along the fastest one. */
export function randomTangent(like: Tensor, seed: number): Tensor {
  const rng = new Mulberry32(seed);
  return tensor(
    Float64Array.from({ length: like.size }, () => rng.normal()),
    [...like.shape],
    like.dtype,
  );
}

/** The growth summary of per-stretch log growth factors over `steps` steps. */
export function growthOf(logGrowth: number[], stride: number, steps: number): RolloutGrowth {
  const exponent = logGrowth.reduce((a, b) => a + b, 0) / steps;
  return { logGrowth, stride, steps, exponent, amplification: Math.exp(exponent * steps) };
}

/**
 * The growth of perturbations (and so of gradients) through `steps` applications of `step` from `x0`,
 * starting from the tangent `v0` (a random one is a good default: it has a component along the fastest direction).
 */
export function rolloutGrowth(step: (x: Tensor) => Tensor, x0: Tensor, v0: Tensor, steps: number): RolloutGrowth {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`rolloutGrowth: steps must be a positive integer, got ${steps}`);
  const advance = tangentMap(step);
  let x = x0;
  let v = unitTangent(v0);
  const logGrowth: number[] = [];
  for (let k = 0; k < steps; k++) {
    const [y, t, norm] = advance(x, v);
    logGrowth.push(Math.log(norm.item()));
    x = y;
    v = t;
  }
  return growthOf(logGrowth, 1, steps);
}

/**
 * The amplification a gradient truncated every `window` steps can get (truncated backpropagation through time):
 * the largest growth over one window [jK, (j+1)K) of the rollout (K a multiple of the growth's stride), against
 * `amplification` over all of it. A chaotic rollout (exponent > 0) grows the latter like e^(exponent T) and the former
 * like e^(exponent K) only.
 */
export function windowAmplification(growth: RolloutGrowth, window: number): number {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`windowAmplification: window must be a positive integer, got ${window}`);
  if (window % growth.stride !== 0)
    throw new RangeError(`windowAmplification: window must be a multiple of the growth's stride (${growth.stride}), got ${window}`);
  const n = window / growth.stride;
  let most = 0;
  for (let start = 0; start < growth.logGrowth.length; start += n) {
    const sum = growth.logGrowth.slice(start, start + n).reduce((a, b) => a + b, 0);
    most = Math.max(most, Math.exp(sum));
  }
  return most;
}
