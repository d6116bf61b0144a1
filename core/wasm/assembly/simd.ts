// Small v128 helpers shared by the kernels.

/** Multiply-add a*b+c; the relaxed-SIMD build fuses it into one FMA (ASC_FEATURE_RELAXED_SIMD is a compile-time constant). */
// @ts-ignore: decorator
@inline export function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function madd2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

/** Loads the first `rem` (< 4) f32 of p into a vector, other lanes 0: tails go through the same vector code as the body. */
export function loadTail4(p: usize, rem: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (rem > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (rem > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

export function storeTail4(p: usize, v: v128, rem: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (rem > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (rem > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}
