// Literals for generated gpu.js kernel text.

/** A float literal that GLSL accepts (it rejects `2` where a float is expected). */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (!Number.isFinite(v)) return v > 0 ? '3.4e38' : '-3.4e38';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
