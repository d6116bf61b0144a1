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
  // Whole decades on a log axis; `|| 0` turns -0 into 0 (so the tick reads 1e0).
  return log ? { xMin, xMax, yMin: Math.floor(yMin) || 0, yMax: Math.ceil(yMax) || 0, log } : { xMin, xMax, yMin, yMax, log };
}

/** Ticks at multiples of 1, 2 or 5 x 10^k, about `count` of them, inside [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return [min];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9 * step; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}
