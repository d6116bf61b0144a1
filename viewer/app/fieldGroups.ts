// Pairs a prediction array with its reference and error (`u`, `u_ref`, `u_err`: pinn/trainer.ts).

export interface FieldGroup {
  readonly base: string;
  readonly prediction: string;
  readonly reference?: string;
  readonly error?: string;
}

/** Arrays that are masks or bookkeeping, not fields to colour by. */
const HIDDEN = new Set(['inside']);

export function groupFields(names: readonly string[]): FieldGroup[] {
  const present = new Set(names);
  const groups: FieldGroup[] = [];
  for (const n of names) {
    if (HIDDEN.has(n) || n.endsWith('_ref') || n.endsWith('_err')) continue;
    const ref = `${n}_ref`;
    const err = `${n}_err`;
    groups.push({ base: n, prediction: n, ...(present.has(ref) ? { reference: ref } : {}), ...(present.has(err) ? { error: err } : {}) });
  }
  // A reference with no prediction of the same name still deserves a view of its own.
  for (const n of names) if (n.endsWith('_ref') && !present.has(n.slice(0, -4))) groups.push({ base: n, prediction: n });
  return groups;
}
