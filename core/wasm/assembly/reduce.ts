// Reductions over the middle axis of a contiguous [outer, len, inner] view -> out[outer, inner].
// Row reduction of a 2D view is inner = 1, column reduction is outer = 1, full reduction is [1, n, 1].
import { lanes, splat } from './simd';

/** Sum of a contiguous run; f64 accumulation keeps long f32 sums accurate. */
function sumRun<T>(p: usize, len: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  const body = len & ~3;
  for (let i = 0; i < body; i += 4) {
    const o = p + <usize>i * sizeof<T>();
    if (sizeof<T>() == 4) {
      const v = v128.load(o);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    } else {
      a0 = f64x2.add(a0, v128.load(o));
      a1 = f64x2.add(a1, v128.load(o, 16));
    }
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (let i = body; i < len; i++) s += <f64>load<T>(p + <usize>i * sizeof<T>());
  return s;
}

/** Max of a contiguous run (NaN propagates, like Math.max); -Infinity when empty. */
function maxRun<T>(p: usize, len: i32): T {
  const L = lanes<T>();
  let m = splat<T>(<T>-Infinity);
  const body = len & ~(L - 1);
  for (let i = 0; i < body; i += L) {
    const v = v128.load(p + <usize>i * sizeof<T>());
    m = sizeof<T>() == 4 ? f32x4.max(m, v) : f64x2.max(m, v);
  }
  let s: T;
  if (sizeof<T>() == 4) {
    s = <T>max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  } else {
    s = <T>max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  }
  for (let i = body; i < len; i++) s = max<T>(s, load<T>(p + <usize>i * sizeof<T>()));
  return s;
}

// @ts-ignore: decorator
@inline function strided<T>(isMax: bool, x: usize, out: usize, len: i32, inner: i32): void {
  // out[k] = reduce_p x[p, k], streaming x row by row (one pass over memory); out stays in L1.
  const L = lanes<T>();
  const body = inner & ~(L - 1);
  const row = <usize>inner * sizeof<T>();
  const init = splat<T>(<T>(isMax ? -Infinity : 0));
  for (let k = 0; k < body; k += L) v128.store(out + <usize>k * sizeof<T>(), init);
  for (let k = body; k < inner; k++) store<T>(out + <usize>k * sizeof<T>(), <T>(isMax ? -Infinity : 0));
  for (let p = 0; p < len; p++) {
    const src = x + <usize>p * row;
    for (let k = 0; k < body; k += L) {
      const o = <usize>k * sizeof<T>();
      const acc = v128.load(out + o), v = v128.load(src + o);
      let r: v128;
      if (sizeof<T>() == 4) r = isMax ? f32x4.max(acc, v) : f32x4.add(acc, v);
      else r = isMax ? f64x2.max(acc, v) : f64x2.add(acc, v);
      v128.store(out + o, r);
    }
    for (let k = body; k < inner; k++) {
      const o = <usize>k * sizeof<T>();
      const acc = load<T>(out + o), v = load<T>(src + o);
      store<T>(out + o, isMax ? max<T>(acc, v) : acc + v);
    }
  }
}

// @ts-ignore: decorator
@inline function reduce<T>(isMax: bool, x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const slab = <usize>len * <usize>inner * sizeof<T>();
  for (let i = 0; i < outer; i++) {
    const src = x + <usize>i * slab;
    if (inner == 1) store<T>(out + <usize>i * sizeof<T>(), isMax ? maxRun<T>(src, len) : <T>sumRun<T>(src, len));
    else strided<T>(isMax, src, out + <usize>i * <usize>inner * sizeof<T>(), len, inner);
  }
}

export function sum_f32(x: usize, out: usize, outer: i32, len: i32, inner: i32): void { reduce<f32>(false, x, out, outer, len, inner); }
export function max_reduce_f32(x: usize, out: usize, outer: i32, len: i32, inner: i32): void { reduce<f32>(true, x, out, outer, len, inner); }
export function sum_f64(x: usize, out: usize, outer: i32, len: i32, inner: i32): void { reduce<f64>(false, x, out, outer, len, inner); }
export function max_reduce_f64(x: usize, out: usize, outer: i32, len: i32, inner: i32): void { reduce<f64>(true, x, out, outer, len, inner); }
