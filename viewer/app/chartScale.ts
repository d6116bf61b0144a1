// Axis ranges for the metrics chart: log10 on y when every value is positive (losses), else linear.

import type { Curve } from './metrics.js';

export interface ChartScale {
  readonly xMin: number;
  readonly xMax: number;
  /** In plotted units: log10(value) when `log`. */
  readonly yMin: number;
  readonly yMax: number;
  readonly log: boolean;
}

export function chartScale(curves: readonly Curve[]): ChartScale | undefined {
  const xs = curves.flatMap((c) => c.steps);
  const vs = curves.flatMap((c) => c.values);
  if (xs.length === 0) return undefined;
  const log = vs.every((v) => v > 0);
  const ys = log ? vs.map(Math.log10) : vs;
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  // Degenerate ranges (one point, a constant curve) still need a non-zero span to divide by.
  if (yMax - yMin < 1e-12) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  if (xMax === xMin) [xMin, xMax] = [xMin - 1, xMax + 1];
  return log ? { xMin, xMax, yMin: Math.floor(yMin), yMax: Math.ceil(yMax), log } : { xMin, xMax, yMin, yMax, log };
}
