// YAML `pde:` entries -> ProblemSpec equations, with each equation's weight under its loss name.
import { pdeLossName, type PdeEntry } from '../pinn/equations.js';
import type { PdeEntryConfig } from './schema.js';

/** The spec's pde list; `weights` receives the weight of every equation given in object form. */
export function pdeFromConfig(entries: readonly PdeEntryConfig[], weights: Record<string, number>): PdeEntry[] {
  const pde: PdeEntry[] = entries.map((e) =>
    typeof e === 'string' ? e : { residual: e.eq, name: e.name, ...(e.integral ? { integral: true } : {}) },
  );
  entries.forEach((e, i) => {
    if (typeof e !== 'string') weights[pdeLossName(e.name, i, entries.length)] = e.weight;
  });
  return pde;
}
