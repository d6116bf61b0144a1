// Size limits of `kind: pinn` configs, checked at validation instead of after an hour of training: absurd
// point counts and output grids, and a rough memory estimate of a training step against the machine's memory.
import { totalmem } from 'node:os';
import { ConfigError } from './errors.js';
import { defaultCoords, spaceDim, type PinnConfig } from './schema.js';

/** Most points of one set (collocation, boundary, test, data, adaptive candidates). */
export const MAX_POINTS = 10_000_000;
/** Most points of the output evaluation grid (all axes together). */
export const MAX_GRID_POINTS = 50_000_000;

export interface MemoryEstimate {
  /** bytes, roughly */
  bytes: number;
  /** the key path of the largest contribution, to name in the error */
  path: string;
  /** the formula with its numbers */
  detail: string;
}

/** Points drawn per training step: domain + each condition's points. */
function stepPoints(c: PinnConfig): number {
  const p = c.training.points;
  const anchors = Array.isArray(c.training.anchors) ? c.training.anchors.length : 0;
  return c.conditions.reduce((sum, bc) => {
    if (bc.points !== undefined) return sum + bc.points;
    if (bc.type === 'data') return sum + bc.n;
    if (bc.type === 'point') return sum + (Array.isArray(bc.at[0]) ? bc.at.length : 1);
    return sum + (bc.type === 'initial' ? p.initial : p.boundary);
  }, p.domain + anchors);
}

/**
 * Memory of a run, roughly (documented in README.md):
 *   training = points per step x activations per point (sum of layer widths incl. input and output)
 *              x bytes per number (4 f32, 8 f64) x derivative terms (1, or coordinates x (order + 1) for Taylor
 *              jets of the highest derivative order) x 3 (activations kept for the backward pass, their
 *              gradients, pre-activations)
 *   evaluation = max(test points, output grid points) x activations per point x bytes
 *   parameters = weights x bytes x 4 (parameters, gradients, two optimizer moments)
 *   estimate = max(training, evaluation) + parameters
 */
export function estimateMemory(c: PinnConfig, order: number): MemoryEstimate {
  const coords = c.coords ?? defaultCoords(spaceDim(c), !!c.time);
  const widths = [coords.length, ...c.network.layers, c.fields.length];
  const activations = widths.reduce((a, b) => a + b, 0);
  const bytes = c.dtype === 'f64' || c.training.finetune?.dtype === 'f64' ? 8 : 4;
  const terms = order === 0 ? 1 : coords.length * (order + 1);
  const points = stepPoints(c);
  const training = points * activations * bytes * terms * 3;
  const grid = gridPoints(c, coords.length);
  const evalPoints = Math.max(c.training.points.test, grid);
  const evaluation = evalPoints * activations * bytes;
  const weights = widths.slice(1).reduce((s, w, i) => s + (widths[i] + 1) * w, 0);
  const parameters = weights * bytes * 4;
  const parts: [number, string, string][] = [
    [
      training,
      'training.points',
      `${points} points per step x ${activations} activations per point x ${bytes} bytes x ${terms} derivative terms x 3`,
    ],
    [
      evaluation,
      grid >= c.training.points.test ? 'output.resolution' : 'training.points.test',
      `${evalPoints} evaluation points x ${activations} activations x ${bytes} bytes`,
    ],
    [parameters, 'network.layers', `${weights} weights x ${bytes} bytes x 4`],
  ];
  const [, path, detail] = parts.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { bytes: Math.max(training, evaluation) + parameters, path, detail };
}

/** Points of the output grid: above 3 axes it is a 2-D slice through the centre (outputs.ts evaluationGrid). */
function gridPoints(c: PinnConfig, dim: number): number {
  const r = c.output.resolution;
  const axes = dim > 3 ? 2 : dim;
  return Array.isArray(r) ? r.slice(0, axes).reduce((a, b) => a * b, 1) : r ** axes;
}

const gib = (b: number): string => `${(b / 2 ** 30).toPrecision(3)} GiB`;

/** Throws a ConfigError for an absurd size or a run whose memory estimate exceeds `memoryBytes`. */
export function checkPinnLimits(c: PinnConfig, order: number, memoryBytes = totalmem()): void {
  const tooMany = (path: string, n: number, max = MAX_POINTS): void => {
    if (n > max) throw new ConfigError(`${path}: expected at most ${max} points, got ${n}`);
  };
  const p = c.training.points;
  for (const k of ['domain', 'boundary', 'initial', 'test'] as const) tooMany(`training.points.${k}`, p[k]);
  c.conditions.forEach((bc, i) => {
    if (bc.points !== undefined) tooMany(`conditions[${i}].points`, bc.points);
    if (bc.type === 'data') tooMany(`conditions[${i}].n`, bc.n);
  });
  if (c.training.adaptive) tooMany('training.adaptive.candidates', c.training.adaptive.candidates);
  const coords = c.coords ?? defaultCoords(spaceDim(c), !!c.time);
  const grid = gridPoints(c, coords.length);
  if (grid > MAX_GRID_POINTS)
    throw new ConfigError(
      `output.resolution: expected an evaluation grid of at most ${MAX_GRID_POINTS} points, got ${grid.toPrecision(3)} (${JSON.stringify(c.output.resolution)} per axis)`,
    );
  const m = estimateMemory(c, order);
  if (m.bytes > memoryBytes) {
    throw new ConfigError(
      `${m.path}: the run needs about ${gib(m.bytes)} of memory (${m.detail}), above this machine's ${gib(memoryBytes)}; lower training.points, output.resolution or network.layers`,
    );
  }
}
