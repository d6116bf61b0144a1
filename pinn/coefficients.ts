// Per-point coefficients (ProblemSpec.coefficients): host functions of a point, e.g. a field read from a
// data file and interpolated. They are data, not differentiated: each term that reads one gets it as a
// per-point input evaluated at its points (Term.pointInputs), which the trainer applies in one place
// (withPointInputs) wherever it builds a batch from points.
import { ProbeContext, type ContextLayout, type FieldContext } from './context.js';
import type { Term, TermPoints } from './problem.js';

export type PointCoefficient = (p: Float64Array) => number;

/** Names of `coefficients` that the term's residual reads (a probe run that records c.input). */
function coefficientsRead(term: Term, layout: ContextLayout, names: ReadonlySet<string>, param: (name: string) => number): string[] {
  const probe = new ProbeContext(layout, 'f64', param);
  const used = new Set<string>();
  const spy: FieldContext = Object.create(probe, {
    input: {
      value: (name: string) => {
        if (names.has(name)) used.add(name);
        return probe.input(name);
      },
    },
  });
  term.residual(spy, spy);
  return [...used];
}

/** Sets Term.pointInputs on every term whose residual reads one of the coefficients. */
export function attachCoefficients(
  terms: readonly Term[],
  coefficients: Readonly<Record<string, PointCoefficient>>,
  layout: ContextLayout,
  param: (name: string) => number,
): void {
  const names = new Set(Object.keys(coefficients));
  if (!names.size) return;
  const d = layout.coords.length;
  for (const t of terms) {
    const used = coefficientsRead(t, layout, names, param);
    if (!used.length) continue;
    t.pointInputs = (x) => {
      const n = x.length / d;
      return Object.fromEntries(
        used.map((name) => {
          const f = coefficients[name];
          return [name, Float64Array.from({ length: n }, (_, r) => f(x.subarray(r * d, (r + 1) * d)))];
        }),
      );
    };
  }
}

/** The term's points with its per-point coefficient inputs evaluated on them. */
export function withPointInputs(term: Term, pts: TermPoints): TermPoints {
  if (!term.pointInputs) return pts;
  return { ...pts, inputs: { ...pts.inputs, ...term.pointInputs(pts.x) } };
}
