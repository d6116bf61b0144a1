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

// @ts-ignore: decorator
@inline function step(c: v128, x: v128, y: v128, fused: bool): v128 {
  return fused ? madd4(c, x, y) : f32x4.add(f32x4.mul(c, x), y);
}

/** `iters` rounds of 12 independent chains c = c * x + y (`fused`: madd4, else f32x4.mul and f32x4.add). */
// @ts-ignore: decorator
@inline function probe(iters: i32, seed: f32, xs: f32, ys: f32, fused: bool): f32 {
  const x = f32x4.splat(xs), y = f32x4.splat(ys);
  let c0 = f32x4.splat(seed), c1 = f32x4.splat(seed + 1), c2 = f32x4.splat(seed + 2), c3 = f32x4.splat(seed + 3);
  let c4 = f32x4.splat(seed + 4), c5 = f32x4.splat(seed + 5), c6 = f32x4.splat(seed + 6), c7 = f32x4.splat(seed + 7);
  let c8 = f32x4.splat(seed + 8), c9 = f32x4.splat(seed + 9), c10 = f32x4.splat(seed + 10), c11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iters; i++) {
    c0 = step(c0, x, y, fused); c1 = step(c1, x, y, fused); c2 = step(c2, x, y, fused); c3 = step(c3, x, y, fused);
    c4 = step(c4, x, y, fused); c5 = step(c5, x, y, fused); c6 = step(c6, x, y, fused); c7 = step(c7, x, y, fused);
    c8 = step(c8, x, y, fused); c9 = step(c9, x, y, fused); c10 = step(c10, x, y, fused); c11 = step(c11, x, y, fused);
  }
  return sum12(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}

/** 12 independent f32x4 madd4 per round (one FMA in the relaxed build, mul + add otherwise): 96 flops per round. */
export function peak_madd_f32(iters: i32, seed: f32, xs: f32, ys: f32): f32 {
  return probe(iters, seed, xs, ys, true);
}

/** The same 96 flops per round as separate f32x4.mul and f32x4.add in every build. */
export function peak_muladd_f32(iters: i32, seed: f32, xs: f32, ys: f32): f32 {
  return probe(iters, seed, xs, ys, false);
}
