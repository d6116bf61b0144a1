// PDE entries of a ProblemSpec and the loss names they get: one loss term per equation, so that fixed
// weights and the multi-loss optimizers (LRA, NTK, MultiAdam, ConFIG, PCGrad) see each equation.
import type { ResidualFn } from './problem.js';

/** One equation with its own loss name: `{ residual: 'u_t - nu*u_xx', name: 'momentum' }`. */
export interface PdeEquation {
  residual: string | ResidualFn;
  /** loss term name; default 'pde' for a single equation, 'pde0', 'pde1', ... for a system */
  name?: string;
  /**
   * an integral constraint: the residual's spatial mean vanishes at every time (a global balance such as a
   * conservation law), enforced per causal time chunk instead of pointwise (needs `causal`; see causal.ts)
   */
  integral?: boolean;
}
/** A string, a residual function (several returned residuals sum into its one loss) or a named equation. */
export type PdeEntry = string | ResidualFn | PdeEquation;

/** The spec's `pde` as a list of entries. */
export function pdeEntries(pde: PdeEntry | ReadonlyArray<PdeEntry>): PdeEntry[] {
  return Array.isArray(pde) ? [...(pde as ReadonlyArray<PdeEntry>)] : [pde as PdeEntry];
}

/** The residual of an entry (string or function). */
export function entryResidual(e: PdeEntry): string | ResidualFn {
  return typeof e === 'object' && e !== null ? e.residual : e;
}

/** Per entry: whether it is an integral constraint (`integral: true`). */
export function integralFlags(entries: readonly PdeEntry[]): boolean[] {
  return entries.map((e) => typeof e === 'object' && e !== null && e.integral === true);
}

/** Loss name of entry i of n: its own name, else 'pde' for a lone equation (as before systems were split), else pde<i>. */
export function pdeLossName(given: string | undefined, i: number, n: number): string {
  return given ?? (n === 1 ? 'pde' : `pde${i}`);
}

/** Loss names, one per entry; duplicates are an error. */
export function pdeLossNames(entries: readonly PdeEntry[]): string[] {
  const names = entries.map((e, i) => {
    const given = typeof e === 'object' && e !== null ? e.name : undefined;
    if (given !== undefined && (typeof given !== 'string' || given === ''))
      throw new Error(`pde[${i}].name: expected a non-empty string, got ${JSON.stringify(given)}`);
    return pdeLossName(given, i, entries.length);
  });
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) throw new Error(`pde[${i}].name: duplicate loss term name '${n}'`);
  });
  return names;
}
