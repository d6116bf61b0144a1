// Chaos guard (Metz et al. 2021, "Gradients are Not All You Need"): gradients through a long rollout
// explode when the rollout's Jacobians grow; the largest Lyapunov exponent measures that growth per step.
// Estimated the Benettin way: one tangent pushed through each step by jvp, renormalised every step.
import { jit, jvp } from './api.js';
import * as ops from './ops.js';
import type { Tensor } from './tensor.js';

export interface RolloutGrowth {
  /** log of the tangent's growth factor at each step */
  logGrowth: number[];
  /** mean log growth per step: the largest Lyapunov exponent (> 0: gradients through the rollout explode) */
  exponent: number;
  /** e^(exponent * steps): how much a gradient through the whole rollout is amplified */
  amplification: number;
}

/**
 * The growth of perturbations (and so of gradients) through `steps` applications of `step` from `x0`,
 * starting from the tangent `v0` (a random one is a good default: it has a component along the fastest direction).
 */
export function rolloutGrowth(step: (x: Tensor) => Tensor, x0: Tensor, v0: Tensor, steps: number): RolloutGrowth {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`rolloutGrowth: steps must be a positive integer, got ${steps}`);
  const advance = jit((x: Tensor, v: Tensor) => {
    const [y, t] = jvp(step, [x], [v]);
    const norm = ops.sqrt(ops.sum(ops.square(t)));
    return [y, ops.div(t, norm), norm];
  });
  let x = x0;
  let v = ops.div(v0, ops.sqrt(ops.sum(ops.square(v0))));
  const logGrowth: number[] = [];
  for (let k = 0; k < steps; k++) {
    const [y, t, norm] = advance(x, v) as [Tensor, Tensor, Tensor];
    logGrowth.push(Math.log(norm.item()));
    x = y;
    v = t;
  }
  const exponent = logGrowth.reduce((a, b) => a + b, 0) / steps;
  return { logGrowth, exponent, amplification: Math.exp(exponent * steps) };
}

/**
 * The amplification a gradient truncated every `window` steps can get (truncated backpropagation through time):
 * the largest growth over one window [jK, (j+1)K) of the rollout, against `amplification` over all of it. A chaotic
 * rollout (exponent > 0) grows the latter like e^(exponent T) and the former like e^(exponent K) only.
 */
export function windowAmplification(growth: RolloutGrowth, window: number): number {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`windowAmplification: window must be a positive integer, got ${window}`);
  let most = 0;
  for (let start = 0; start < growth.logGrowth.length; start += window) {
    const sum = growth.logGrowth.slice(start, start + window).reduce((a, b) => a + b, 0);
    most = Math.max(most, Math.exp(sum));
  }
  return most;
}
