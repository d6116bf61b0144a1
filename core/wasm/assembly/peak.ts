// Register-only f32x4 throughput probes for bench/gemm.ts: the machine limit every GEMM is measured
// against. CHAINS independent accumulators hide the multiply-add latency (4-5 cycles x 2 pipes needs
// 8-10); c = c * x + y with 0 < x < 1 (caller's 0.999) stays bounded and never denormal;
// x and y are arguments so the loop holds them in registers instead of rematerialising constants. Returns a lane sum so nothing is dead.
import { madd4 } from './simd';

// @ts-ignore: decorator
@inline function sum12(c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128,
  c8: v128, c9: v128, c10: v128, c11: v128): f32 {
  let s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  s = f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** `iters` rounds of 12 independent f32x4 madd4 (one FMA in the relaxed build, mul + add otherwise): 96 flops per round. */
export function peak_madd_f32(iters: i32, seed: f32, xs: f32, ys: f32): f32 {
  const x = f32x4.splat(xs), y = f32x4.splat(ys);
  let c0 = f32x4.splat(seed), c1 = f32x4.splat(seed + 1), c2 = f32x4.splat(seed + 2), c3 = f32x4.splat(seed + 3);
  let c4 = f32x4.splat(seed + 4), c5 = f32x4.splat(seed + 5), c6 = f32x4.splat(seed + 6), c7 = f32x4.splat(seed + 7);
  let c8 = f32x4.splat(seed + 8), c9 = f32x4.splat(seed + 9), c10 = f32x4.splat(seed + 10), c11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iters; i++) {
    c0 = madd4(c0, x, y); c1 = madd4(c1, x, y); c2 = madd4(c2, x, y); c3 = madd4(c3, x, y);
    c4 = madd4(c4, x, y); c5 = madd4(c5, x, y); c6 = madd4(c6, x, y); c7 = madd4(c7, x, y);
    c8 = madd4(c8, x, y); c9 = madd4(c9, x, y); c10 = madd4(c10, x, y); c11 = madd4(c11, x, y);
  }
  return sum12(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}

// @ts-ignore: decorator
@inline function muladd(c: v128, x: v128, y: v128): v128 { return f32x4.add(f32x4.mul(c, x), y); }

/** The same 96 flops per round as separate f32x4.mul and f32x4.add in every build. */
export function peak_muladd_f32(iters: i32, seed: f32, xs: f32, ys: f32): f32 {
  const x = f32x4.splat(xs), y = f32x4.splat(ys);
  let c0 = f32x4.splat(seed), c1 = f32x4.splat(seed + 1), c2 = f32x4.splat(seed + 2), c3 = f32x4.splat(seed + 3);
  let c4 = f32x4.splat(seed + 4), c5 = f32x4.splat(seed + 5), c6 = f32x4.splat(seed + 6), c7 = f32x4.splat(seed + 7);
  let c8 = f32x4.splat(seed + 8), c9 = f32x4.splat(seed + 9), c10 = f32x4.splat(seed + 10), c11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iters; i++) {
    c0 = muladd(c0, x, y); c1 = muladd(c1, x, y); c2 = muladd(c2, x, y); c3 = muladd(c3, x, y);
    c4 = muladd(c4, x, y); c5 = muladd(c5, x, y); c6 = muladd(c6, x, y); c7 = muladd(c7, x, y);
    c8 = muladd(c8, x, y); c9 = muladd(c9, x, y); c10 = muladd(c10, x, y); c11 = muladd(c11, x, y);
  }
  return sum12(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}
