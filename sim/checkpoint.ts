/**
 * Reverse mode through time for explicit simulators whose whole state fits one Float64Array.
 * A stepper maps s_t -> s_{t+1}; its backward maps the cotangent of s_{t+1} to that of s_t
 * (recomputing what it needs from s_t) and accumulates parameter cotangents internally.
 * 'all' stores every state; 'sqrt' stores every ceil(sqrt(T))-th state and recomputes each
 * segment during the reverse sweep (memory O(sqrt T), one extra forward pass). Both run the
 * same arithmetic on the same states, so their gradients agree bit for bit.
 */
export interface TimeStepper {
  readonly stateSize: number;
  /** out = step(t, s). `out` never aliases `s`. */
  forward(t: number, s: Float64Array, out: Float64Array): void;
  /** gIn = (d s_{t+1} / d s_t)^T gOut (overwrite gIn); accumulate parameter cotangents. */
  backward(t: number, s: Float64Array, gOut: Float64Array, gIn: Float64Array): void;
  /**
   * Optional: forward, called by the reverse sweep when it recomputes a segment (and by the forward pass over the
   * last segment, which the sweep then does not recompute); backward(t, s) follows for the
   * same (unchanged) s before the sweep leaves the segment, so the stepper may keep what that backward needs
   * (and must drop it there).
   */
  recompute?(t: number, s: Float64Array, out: Float64Array): void;
}

export type CheckpointMode = 'all' | 'sqrt';

/**
 * Loss = sum_t loss_t(s_t), t = 0..steps. The callback returns loss_t and adds d loss_t / d s_t
 * into g (it may ignore most t, e.g. a final-state loss only acts at t = steps).
 */
export type StateLoss = (t: number, s: Float64Array, g: Float64Array) => number;

export interface ReverseResult {
  loss: number;
  finalState: Float64Array;
  /** d loss / d s_0 */
  initialStateGrad: Float64Array;
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer, got ${steps}`);
}

/** Forward rollout; `onState(t, s)` sees every state s_0..s_T (s is reused, copy if kept). */
export function rollout(
  stepper: TimeStepper,
  s0: Float64Array,
  steps: number,
  onState?: (t: number, s: Float64Array) => void,
): Float64Array {
  checkSteps(steps);
  if (s0.length !== stepper.stateSize) throw new Error(`rollout: s0 has length ${s0.length}, expected ${stepper.stateSize}`);
  let a = s0.slice();
  let b = new Float64Array(stepper.stateSize);
  onState?.(0, a);
  for (let t = 0; t < steps; t++) {
    stepper.forward(t, a, b);
    const tmp = a;
    a = b;
    b = tmp;
    onState?.(t + 1, a);
  }
  return a;
}

export function reverseThroughTime(
  stepper: TimeStepper,
  s0: Float64Array,
  steps: number,
  loss: StateLoss,
  mode: CheckpointMode = 'all',
): ReverseResult {
  checkSteps(steps);
  const n = stepper.stateSize;
  if (s0.length !== n) throw new Error(`reverseThroughTime: s0 has length ${s0.length}, expected ${n}`);
  if (mode !== 'all' && mode !== 'sqrt') throw new Error(`reverseThroughTime: mode must be 'all' or 'sqrt', got ${String(mode)}`);
  const every = mode === 'all' ? 1 : Math.max(1, Math.ceil(Math.sqrt(steps)));
  // Forward pass: keep s_t for t % every === 0 (all states when every = 1).
  const saved: Float64Array[] = [];
  let lossValue = 0;
  let cur = s0.slice();
  let next = new Float64Array(n);
  const scratchGrad = new Float64Array(n);
  const segment: Float64Array[] = [];
  for (let k = 0; k < every; k++) segment.push(new Float64Array(n));
  // a stepper that keeps residuals runs the last segment through recompute already in the forward pass, in the
  // segment buffers: the reverse sweep starts there and needs no second pass over it
  const last = steps > 0 && stepper.recompute ? Math.floor((steps - 1) / every) * every : steps;
  for (let t = 0; t < steps; t++) {
    if (t % every === 0) saved.push(cur.slice());
    lossValue += loss(t, cur, scratchGrad);
    if (t >= last && stepper.recompute) {
      segment[t - last].set(cur);
      stepper.recompute(t, segment[t - last], next);
    } else stepper.forward(t, cur, next);
    const tmp = cur;
    cur = next;
    next = tmp;
  }
  const finalState = cur.slice();
  let g = new Float64Array(n);
  lossValue += loss(steps, finalState, g);
  let gPrev = new Float64Array(n);
  // Reverse sweep segment by segment; within a segment recompute states from its checkpoint.
  for (let seg = saved.length - 1; seg >= 0; seg--) {
    const t0 = seg * every;
    const t1 = Math.min(steps, t0 + every);
    segment[0].set(saved[seg]);
    for (let t = t0; t < t1 - 1 && t0 < last; t++) {
      if (stepper.recompute) stepper.recompute(t, segment[t - t0], segment[t - t0 + 1]);
      else stepper.forward(t, segment[t - t0], segment[t - t0 + 1]);
    }
    for (let t = t1 - 1; t >= t0; t--) {
      const s = segment[t - t0];
      stepper.backward(t, s, g, gPrev);
      loss(t, s, gPrev);
      const tmp = g;
      g = gPrev;
      gPrev = tmp;
    }
  }
  return { loss: lossValue, finalState, initialStateGrad: g };
}
