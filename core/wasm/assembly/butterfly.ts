// Row butterflies of the folded truncated DFTs (core/compile/spectralFold.ts): over `count` groups of four input
// rows (i0..i3) and four output rows (o0..o3) of `len` values each, u0 = i0 + i1, u1 = i0 - i1, u2 = i2 + i3,
// u3 = i2 - i3, then o0 = u0 + u2, o1 = u0 - u2, o2 = u1 + u3, o3 = u1 - u3: one pass where the per-row add/sub
// kernels would take eight. Group g's rows are the given pointers plus g times their strides (bytes, may be
// negative: rows taken from the end of a signal walk backwards). Outputs must not alias inputs.
import { lanes, loadTail, storeTail } from './simd';

// @ts-ignore: decorator
@inline function vadd<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.add(a, b) : f64x2.add(a, b); }
// @ts-ignore: decorator
@inline function vsub<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.sub(a, b) : f64x2.sub(a, b); }

// @ts-ignore: decorator
@inline function row<T>(a: usize, b: usize, c: usize, d: usize, o0: usize, o1: usize, o2: usize, o3: usize, len: i32): void {
  const L = lanes<T>();
  const body = len & ~(L - 1);
  for (let i = 0; i < body; i += L) {
    const o = <usize>i * sizeof<T>();
    const u0 = vadd<T>(v128.load(a + o), v128.load(b + o)), u1 = vsub<T>(v128.load(a + o), v128.load(b + o));
    const u2 = vadd<T>(v128.load(c + o), v128.load(d + o)), u3 = vsub<T>(v128.load(c + o), v128.load(d + o));
    v128.store(o0 + o, vadd<T>(u0, u2));
    v128.store(o1 + o, vsub<T>(u0, u2));
    v128.store(o2 + o, vadd<T>(u1, u3));
    v128.store(o3 + o, vsub<T>(u1, u3));
  }
  const rem = len - body;
  if (rem > 0) {
    const o = <usize>body * sizeof<T>();
    const x0 = loadTail<T>(a + o, rem), x1 = loadTail<T>(b + o, rem), x2 = loadTail<T>(c + o, rem), x3 = loadTail<T>(d + o, rem);
    const u0 = vadd<T>(x0, x1), u1 = vsub<T>(x0, x1), u2 = vadd<T>(x2, x3), u3 = vsub<T>(x2, x3);
    storeTail<T>(o0 + o, vadd<T>(u0, u2), rem);
    storeTail<T>(o1 + o, vsub<T>(u0, u2), rem);
    storeTail<T>(o2 + o, vadd<T>(u1, u3), rem);
    storeTail<T>(o3 + o, vsub<T>(u1, u3), rem);
  }
}

// @ts-ignore: decorator
@inline function butterfly4<T>(i0: usize, s0: i32, i1: usize, s1: i32, i2: usize, s2: i32, i3: usize, s3: i32,
  o0: usize, t0: i32, o1: usize, t1: i32, o2: usize, t2: i32, o3: usize, t3: i32, count: i32, len: i32): void {
  for (let g = 0; g < count; g++) {
    // wrapping u32 arithmetic: a negative stride moves the pointer down
    row<T>(i0 + <usize>(g * s0), i1 + <usize>(g * s1), i2 + <usize>(g * s2), i3 + <usize>(g * s3),
      o0 + <usize>(g * t0), o1 + <usize>(g * t1), o2 + <usize>(g * t2), o3 + <usize>(g * t3), len);
  }
}

export function butterfly4_f32(i0: usize, s0: i32, i1: usize, s1: i32, i2: usize, s2: i32, i3: usize, s3: i32,
  o0: usize, t0: i32, o1: usize, t1: i32, o2: usize, t2: i32, o3: usize, t3: i32, count: i32, len: i32): void {
  butterfly4<f32>(i0, s0, i1, s1, i2, s2, i3, s3, o0, t0, o1, t1, o2, t2, o3, t3, count, len);
}
export function butterfly4_f64(i0: usize, s0: i32, i1: usize, s1: i32, i2: usize, s2: i32, i3: usize, s3: i32,
  o0: usize, t0: i32, o1: usize, t1: i32, o2: usize, t2: i32, o3: usize, t3: i32, count: i32, len: i32): void {
  butterfly4<f64>(i0, s0, i1, s1, i2, s2, i3, s3, o0, t0, o1, t1, o2, t2, o3, t3, count, len);
}
