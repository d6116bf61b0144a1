// take-style gather and scatter-add along the middle axis of [outer, n, inner] views, for f32 and f64.
// Indices are i32; every index is checked before anything is written.

/** Returns -1 when all idx[j] are in [0, n), else the first bad j. */
export function check_indices(idx: usize, m: i32, n: i32): i32 {
  for (let j = 0; j < m; j++) {
    const t = load<i32>(idx + (<usize>j << 2));
    if (t < 0 || t >= n) return j;
  }
  return -1;
}

// @ts-ignore: decorator
@inline function gatherT<T>(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): i32 {
  const bad = check_indices(idx, m, n);
  if (bad >= 0) return bad;
  const run = <usize>inner * sizeof<T>();
  for (let i = 0; i < outer; i++) {
    const src = x + <usize>i * <usize>n * run;
    const dst = out + <usize>i * <usize>m * run;
    for (let j = 0; j < m; j++) {
      memory.copy(dst + <usize>j * run, src + <usize>load<i32>(idx + (<usize>j << 2)) * run, run);
    }
  }
  return -1;
}

// @ts-ignore: decorator
@inline function scatterAddT<T>(y: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): i32 {
  const bad = check_indices(idx, m, n);
  if (bad >= 0) return bad;
  const run = <usize>inner * sizeof<T>();
  const lanes = 16 / sizeof<T>();
  const body = inner & ~(lanes - 1);
  for (let i = 0; i < outer; i++) {
    const src = y + <usize>i * <usize>m * run;
    const dst = out + <usize>i * <usize>n * run;
    for (let j = 0; j < m; j++) {
      const s = src + <usize>j * run;
      const d = dst + <usize>load<i32>(idx + (<usize>j << 2)) * run;
      for (let k = 0; k < body; k += lanes) {
        const o = <usize>k * sizeof<T>();
        const sum = sizeof<T>() == 4 ? f32x4.add(v128.load(d + o), v128.load(s + o)) : f64x2.add(v128.load(d + o), v128.load(s + o));
        v128.store(d + o, sum);
      }
      for (let k = body; k < inner; k++) {
        const o = <usize>k * sizeof<T>();
        store<T>(d + o, load<T>(d + o) + load<T>(s + o));
      }
    }
  }
  return -1;
}

export function gather_f32(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): i32 {
  return gatherT<f32>(x, idx, out, outer, n, inner, m);
}
export function gather_f64(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): i32 {
  return gatherT<f64>(x, idx, out, outer, n, inner, m);
}
export function scatter_add_f32(y: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): i32 {
  return scatterAddT<f32>(y, idx, out, outer, n, inner, m);
}
export function scatter_add_f64(y: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): i32 {
  return scatterAddT<f64>(y, idx, out, outer, n, inner, m);
}
