// Literals for generated WGSL (the webgpu backend's compute shaders).

const F32_MAX = 3.4028234663852886e38;

/**
 * Bit patterns of NaN, +inf and -inf in a private variable: WGSL has no literals for them and rejects any
 * constant expression that evaluates to one, so they are read at run time. Shaders that may use wgslLit
 * declare it.
 */
export const WGSL_SPECIALS = 'var<private> specials: vec3u = vec3u(0x7fc00000u, 0x7f800000u, 0xff800000u);';

/** An f32 literal WGSL accepts (NaN and infinities through WGSL_SPECIALS). */
export function wgslLit(v: number): string {
  if (Number.isNaN(v)) return 'bitcast<f32>(specials.x)';
  if (Math.abs(v) > F32_MAX) return v > 0 ? 'bitcast<f32>(specials.y)' : 'bitcast<f32>(specials.z)';
  const s = String(Math.fround(v) === 0 && v !== 0 ? 0 : v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
