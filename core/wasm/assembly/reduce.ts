// Reductions over the middle axis of a contiguous [outer, len, inner] view -> out[outer, inner].
// Row reduction of a 2D view is inner = 1, column reduction is outer = 1, full reduction is [1, n, 1].

/** Sum of a contiguous run; f64 accumulation keeps long f32 sums accurate. */
function sumRun(p: usize, len: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  const body = len & ~3;
  for (let i = 0; i < body; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (let i = body; i < len; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** Max of a contiguous run (NaN propagates, like Math.max); -Infinity when empty. */
function maxRun(p: usize, len: i32): f32 {
  let m = f32x4.splat(-Infinity);
  const body = len & ~3;
  for (let i = 0; i < body; i += 4) m = f32x4.max(m, v128.load(p + (<usize>i << 2)));
  let s = f32x4.extract_lane(m, 0);
  // Math.max (not f32 max) so a NaN lane is never dropped.
  s = <f32>Math.max(s, f32x4.extract_lane(m, 1));
  s = <f32>Math.max(s, f32x4.extract_lane(m, 2));
  s = <f32>Math.max(s, f32x4.extract_lane(m, 3));
  for (let i = body; i < len; i++) s = <f32>Math.max(s, load<f32>(p + (<usize>i << 2)));
  return s;
}

// @ts-ignore: decorator
@inline function strided(isMax: bool, x: usize, out: usize, len: i32, inner: i32): void {
  // out[k] = reduce_p x[p, k]; vectorised across k.
  const body = inner & ~3;
  const row = <usize>inner << 2;
  for (let k = 0; k < body; k += 4) {
    const o = <usize>k << 2;
    let acc = f32x4.splat(isMax ? -Infinity : 0);
    for (let p = 0; p < len; p++) {
      const v = v128.load(x + <usize>p * row + o);
      acc = isMax ? f32x4.max(acc, v) : f32x4.add(acc, v);
    }
    v128.store(out + o, acc);
  }
  for (let k = body; k < inner; k++) {
    const o = <usize>k << 2;
    let acc: f32 = isMax ? -Infinity : 0;
    for (let p = 0; p < len; p++) {
      const v = load<f32>(x + <usize>p * row + o);
      acc = isMax ? <f32>Math.max(acc, v) : acc + v;
    }
    store<f32>(out + o, acc);
  }
}

export function sum_f32(x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const slab = (<usize>len * <usize>inner) << 2;
  for (let i = 0; i < outer; i++) {
    if (inner == 1) store<f32>(out + (<usize>i << 2), <f32>sumRun(x + <usize>i * slab, len));
    else strided(false, x + <usize>i * slab, out + ((<usize>i * <usize>inner) << 2), len, inner);
  }
}

export function max_reduce_f32(x: usize, out: usize, outer: i32, len: i32, inner: i32): void {
  const slab = (<usize>len * <usize>inner) << 2;
  for (let i = 0; i < outer; i++) {
    if (inner == 1) store<f32>(out + (<usize>i << 2), maxRun(x + <usize>i * slab, len));
    else strided(true, x + <usize>i * slab, out + ((<usize>i * <usize>inner) << 2), len, inner);
  }
}
