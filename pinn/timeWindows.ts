// Curriculum time-marching: training.steps is split into `windows` equal shares; during the k-th share
// (k = 1..windows) the PDE and boundary points are restricted to the growing window [t0, t0 + k (t1 - t0) / windows].
// Points are drawn over [t0, t1] as usual and their time coordinate is mapped linearly onto the window, so
// every window keeps the point count and the sampler's distribution, and draws stay a pure function of the step.

export interface TimeMarchingOptions {
  windows: number;
  /** the total number of training steps the windows share (solve() fills it in) */
  steps?: number;
}

export class TimeWindows {
  readonly windows: number;
  readonly steps: number;

  constructor(
    o: TimeMarchingOptions,
    private readonly t0: number,
    private readonly t1: number,
    private readonly timeIndex: number,
    private readonly dim: number,
  ) {
    if (!Number.isInteger(o.windows) || o.windows < 1)
      throw new Error(`timeMarching.windows: expected a positive integer, got ${o.windows}`);
    if (o.steps === undefined || !Number.isInteger(o.steps) || o.steps < 1)
      throw new Error(`timeMarching.steps: expected the total number of training steps (a positive integer), got ${String(o.steps)}`);
    if (timeIndex < 0) throw new Error('timeMarching: the problem has no time coordinate');
    this.windows = o.windows;
    this.steps = o.steps;
  }

  /** The window (1..windows) used by step `step` (0-based). */
  windowAt(step: number): number {
    return Math.min(this.windows, Math.floor((step * this.windows) / this.steps) + 1);
  }

  /** The end time of window k. */
  end(k: number): number {
    return this.t0 + (k * (this.t1 - this.t0)) / this.windows;
  }

  /** Copy of row-major points with times mapped from [t0, t1] onto window k (the last window is the identity). */
  restrict(x: Float64Array, k: number): Float64Array {
    if (k >= this.windows) return x;
    const f = k / this.windows;
    const out = Float64Array.from(x);
    for (let i = this.timeIndex; i < out.length; i += this.dim) out[i] = this.t0 + (out[i] - this.t0) * f;
    return out;
  }
}
