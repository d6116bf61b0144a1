// Inverse problems: how far each recovered constant is from its known true value (benchmarks).

/** |value - truth| / |truth| per unknown with a true value (the absolute error where the truth is 0). */
export function unknownErrors(values: Readonly<Record<string, number>>, truth: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(truth).map(([k, t]) => [k, Math.abs(values[k] - t) / (t === 0 ? 1 : Math.abs(t))]));
}

/** Every key of `truth` must name an unknown. */
export function checkTrueValues(truth: Readonly<Record<string, number>>, unknowns: readonly string[], path: string): void {
  for (const k of Object.keys(truth)) {
    if (!unknowns.includes(k))
      throw new Error(`${path}.${k}: expected one of the unknowns (${unknowns.join(', ') || 'none declared'}), got '${k}'`);
  }
}

/** Every key of `scales` must name an unknown, and every scale be a positive finite number. */
export function checkUnknownScales(scales: Readonly<Record<string, number>>, unknowns: readonly string[], path: string): void {
  for (const [k, v] of Object.entries(scales)) {
    if (!unknowns.includes(k))
      throw new Error(`${path}.${k}: expected one of the unknowns (${unknowns.join(', ') || 'none declared'}), got '${k}'`);
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${path}.${k}: expected a positive number, got ${v}`);
  }
}
