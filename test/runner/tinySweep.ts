// The tiny Poisson PINN sweep the sweep, queue and viewer tests run (seconds per run), and how they read its results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TinySweep {
  name: string;
  lrs: readonly number[];
  seeds: number;
  /** training mapping of the base config, flow style */
  training: string;
}

/** A sweep file: the 2-D Poisson PINN with an 8-unit layer, a grid over training.lr, `seeds` seeds. */
export function tinySweep(o: TinySweep): string {
  return [
    `name: ${o.name}`,
    'base:',
    '  kind: pinn',
    `  name: ${o.name}`,
    '  geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
    "  pde: ['-lap(u) = 2*pi^2*sin(pi*x)*sin(pi*y)']",
    '  conditions: [{ type: dirichlet, on: boundary, value: 0, weight: 10 }]',
    '  exact: sin(pi*x)*sin(pi*y)',
    '  network: { layers: [8], activation: tanh }',
    `  training: ${o.training}`,
    '  output: { resolution: 5 }',
    `grid: { training.lr: [${o.lrs.join(', ')}] }`,
    `seeds: ${o.seeds}`,
  ].join('\n');
}

/** results.csv without its last column (wall_time: the only value that depends on timing). */
export const resultsOf = (dir: string): string[][] =>
  readFileSync(join(dir, 'results.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').slice(0, -1));
