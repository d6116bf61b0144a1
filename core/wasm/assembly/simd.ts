// Small v128 helpers shared by the kernels. T is f32 (f32x4 lanes) or f64 (f64x2 lanes); every
// `sizeof<T>()` test below is a compile-time constant, so each instantiation keeps one branch.

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

// @ts-ignore: decorator
@inline export function lanes<T>(): i32 { return 16 / sizeof<T>(); }

// @ts-ignore: decorator
@inline export function splat<T>(x: T): v128 {
  return sizeof<T>() == 4 ? f32x4.splat(<f32>x) : f64x2.splat(<f64>x);
}

/** Loads the first `rem` (< lanes) elements at p into a vector, other lanes 0: tails reuse the vector code. */
export function loadTail<T>(p: usize, rem: i32): v128 {
  if (sizeof<T>() == 8) return f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(p));
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (rem > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (rem > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

export function storeTail<T>(p: usize, v: v128, rem: i32): void {
  if (sizeof<T>() == 8) { store<f64>(p, f64x2.extract_lane(v, 0)); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (rem > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (rem > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}
