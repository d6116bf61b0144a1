// f32 GEMMs with one tiny dimension, memory-bound: a rank-k update for k <= RANK_K_MAX (input layers X W with k = d,
// the output layer's backward dY W^T with k = 1), A^T x (n = 1 with A transposed: the output layer's weight gradient)
// and A^T B with m <= 2 (the first layer's weight gradient X^T dZ). The tile kernels would compute 8 columns, or 4 or
// 6 rows, where only 1 or 2 are wanted, or pack A for a single k step. Each element of C gets the same FMAs in the
// same order as in the tile kernels (from 0, k in KC blocks, then C added), so results keep their bits.
import { madd4, loadTail } from './simd';

/** Up to this k a product runs as a rank-k update (rankKRowsF32). */
export const RANK_K_MAX = 4;
/** Up to this many rows of C, A^T B runs as tnRowsF32. */
export const TN_ROWS_MAX = 2;

/** C[i, j] (+)= s for the first `lanes` (1-4) lanes of v at row i of C: a whole vector when they are 4. */
// @ts-ignore: decorator
@inline function putLanes(d: usize, v: v128, lanes: i32, acc: bool): void {
  if (lanes == 4) {
    v128.store(d, acc ? f32x4.add(v, v128.load(d)) : v);
    return;
  }
  for (let l = 0; l < lanes; l++) {
    let s = f32x4.extract_lane(v, 0);
    if (l == 1) s = f32x4.extract_lane(v, 1);
    else if (l == 2) s = f32x4.extract_lane(v, 2);
    const p = d + (<usize>l << 2);
    store<f32>(p, acc ? load<f32>(p) + s : s);
  }
}

/** The same lanes of a column of C (stride ld bytes): one row each. */
// @ts-ignore: decorator
@inline function putColumn(d: usize, ld: usize, v: v128, lanes: i32, acc: bool): void {
  if (ld == 4) {
    putLanes(d, v, lanes, acc);
    return;
  }
  for (let l = 0; l < lanes; l++) {
    let s = f32x4.extract_lane(v, 0);
    if (l == 1) s = f32x4.extract_lane(v, 1);
    else if (l == 2) s = f32x4.extract_lane(v, 2);
    else if (l == 3) s = f32x4.extract_lane(v, 3);
    const p = d + <usize>l * ld;
    store<f32>(p, acc ? load<f32>(p) + s : s);
  }
}

/** Bytes of `work` that rankKPack packs op(B) into: k rows of n rounded up to whole vectors. */
export function rankKWorkBytes(k: i32, n: i32): usize {
  return <usize>k * <usize>((n + 3) & ~3) << 2;
}

/** Packs op(B) (k x n) into k rows of `rs` bytes, zero past n, so every row of C reads whole vectors of it. */
function packRows(tb: bool, k: i32, n: i32, b: usize, ldb: i32, dst: usize, rs: usize): void {
  for (let p = 0; p < k; p++) {
    const row = dst + <usize>p * rs;
    if (tb) for (let j = 0; j < n; j++) store<f32>(row + (<usize>j << 2), load<f32>(b + (<usize>(j * ldb + p) << 2)));
    else memory.copy(row, b + (<usize>(p * ldb) << 2), <usize>n << 2);
    memory.fill(row + (<usize>n << 2), 0, rs - (<usize>n << 2));
  }
}

/** K FMAs (K constant) of the splats x0..x3 with the vectors of packed B at pb (rows rs bytes apart), from 0. */
// @ts-ignore: decorator
@inline function rankKVec(K: i32, x0: v128, x1: v128, x2: v128, x3: v128, pb: usize, rs: usize): v128 {
  let v = madd4(x0, v128.load(pb), f32x4.splat(0));
  if (K > 1) v = madd4(x1, v128.load(pb + rs), v);
  if (K > 2) v = madd4(x2, v128.load(pb + 2 * rs), v);
  if (K > 3) v = madd4(x3, v128.load(pb + 3 * rs), v);
  return v;
}

/** Rows [r0, r1) of C for a constant K (inlined per K): K splats of op(A)[i, :] times K rows of packed B. */
// @ts-ignore: decorator
@inline function rankKRows(K: i32, ta: bool, n: i32, a: usize, lda: i32, pb: usize, rs: usize, c: usize, ldc: i32, beta: bool,
  r0: i32, r1: i32): void {
  const zero = f32x4.splat(0);
  const n4 = <usize>(n & ~3) << 2;
  const ea: usize = ta ? <usize>lda << 2 : 4; // bytes from op(A)[i, p] to op(A)[i, p + 1]
  for (let i = r0; i < r1; i++) {
    const ai = a + (ta ? <usize>i << 2 : <usize>i * <usize>lda << 2);
    const x0 = v128.load32_splat(ai);
    const x1 = K > 1 ? v128.load32_splat(ai + ea) : zero;
    const x2 = K > 2 ? v128.load32_splat(ai + 2 * ea) : zero;
    const x3 = K > 3 ? v128.load32_splat(ai + 3 * ea) : zero;
    const ci = c + (<usize>i * <usize>ldc << 2);
    let o: usize = 0;
    if (beta) {
      for (; o < n4; o += 16) v128.store(ci + o, f32x4.add(rankKVec(K, x0, x1, x2, x3, pb + o, rs), v128.load(ci + o)));
    } else {
      for (; o + 16 < n4; o += 32) {
        v128.store(ci + o, rankKVec(K, x0, x1, x2, x3, pb + o, rs));
        v128.store(ci + o, rankKVec(K, x0, x1, x2, x3, pb + o + 16, rs), 16);
      }
      for (; o < n4; o += 16) v128.store(ci + o, rankKVec(K, x0, x1, x2, x3, pb + o, rs));
    }
    if (o < <usize>n << 2) putLanes(ci + o, rankKVec(K, x0, x1, x2, x3, pb + o, rs), n & 3, beta);
  }
}

/** Packs op(B) into `work` (each thread its own) for rankKRowsF32. */
export function rankKPack(tb: bool, n: i32, k: i32, b: usize, ldb: i32, work: usize): void {
  packRows(tb, k, n, b, ldb, work, <usize>((n + 3) & ~3) << 2);
}

/**
 * Rows [r0, r1) of C (+)= op(A) op(B) for 1 <= k <= RANK_K_MAX, op(B) packed by rankKPack into `work`: each row of C
 * is streamed out once, k FMAs per vector.
 */
export function rankKRowsF32(ta: bool, n: i32, k: i32, a: usize, lda: i32, work: usize, c: usize, ldc: i32, beta: bool,
  r0: i32, r1: i32): void {
  const rs = <usize>((n + 3) & ~3) << 2;
  if (k == 1) rankKRows(1, ta, n, a, lda, work, rs, c, ldc, beta, r0, r1);
  else if (k == 2) rankKRows(2, ta, n, a, lda, work, rs, c, ldc, beta, r0, r1);
  else if (k == 3) rankKRows(3, ta, n, a, lda, work, rs, c, ldc, beta, r0, r1);
  else rankKRows(4, ta, n, a, lda, work, rs, c, ldc, beta, r0, r1);
}

/**
 * C[i0 .. i0 + 4V) (one column, stride ldc) over kc steps of A^T x: V vectors of A's row p times
 * x[p], V accumulators (8 hide the FMA latency). `lanes` < 4 (V = 1): the vector is loaded lane by lane, so nothing
 * past A is read.
 */
// @ts-ignore: decorator
@inline function gemvTBlock(V: i32, kc: i32, a: usize, ld: usize, x: usize, xs: usize, c: usize, ldc: usize, acc: bool,
  lanes: i32): void {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (let p = 0; p < kc; p++) {
    const xv = v128.load32_splat(x);
    if (V == 1) {
      s0 = madd4(lanes == 4 ? v128.load(a) : loadTail<f32>(a, lanes), xv, s0);
    } else {
      s0 = madd4(v128.load(a), xv, s0);
      s1 = madd4(v128.load(a, 16), xv, s1);
      if (V > 2) {
        s2 = madd4(v128.load(a, 32), xv, s2);
        s3 = madd4(v128.load(a, 48), xv, s3);
      }
      if (V > 4) {
        s4 = madd4(v128.load(a, 64), xv, s4);
        s5 = madd4(v128.load(a, 80), xv, s5);
        s6 = madd4(v128.load(a, 96), xv, s6);
        s7 = madd4(v128.load(a, 112), xv, s7);
      }
    }
    a += ld;
    x += xs;
  }
  const step = ldc << 2; // four rows of C (ldc in bytes)
  putColumn(c, ldc, s0, V == 1 ? lanes : 4, acc);
  if (V > 1) putColumn(c + step, ldc, s1, 4, acc);
  if (V > 2) {
    putColumn(c + 2 * step, ldc, s2, 4, acc);
    putColumn(c + 3 * step, ldc, s3, 4, acc);
  }
  if (V > 4) {
    putColumn(c + 4 * step, ldc, s4, 4, acc);
    putColumn(c + 5 * step, ldc, s5, 4, acc);
    putColumn(c + 6 * step, ldc, s6, 4, acc);
    putColumn(c + 7 * step, ldc, s7, 4, acc);
  }
}

/**
 * C[:, 0] (+)= A^T x over kc steps (one KC block) for n = 1 with A transposed (A stored k x m, row p at a + p lda):
 * row p of A is m contiguous values, so C is built as vectors over m, 32 rows of C at a time. x[p] at x + p xs
 * (elements).
 */
export function gemvTF32(m: i32, kc: i32, a: usize, lda: i32, x: usize, xs: i32, c: usize, ldc: i32, acc: bool): void {
  const ld = <usize>lda << 2,
    xb = <usize>xs << 2,
    lc = <usize>ldc << 2;
  let i = 0;
  for (; i + 32 <= m; i += 32) gemvTBlock(8, kc, a + (<usize>i << 2), ld, x, xb, c + <usize>i * lc, lc, acc, 4);
  for (; i + 16 <= m; i += 16) gemvTBlock(4, kc, a + (<usize>i << 2), ld, x, xb, c + <usize>i * lc, lc, acc, 4);
  for (; i < m; i += 4) gemvTBlock(1, kc, a + (<usize>i << 2), ld, x, xb, c + <usize>i * lc, lc, acc, min(4, m - i));
}

/**
 * Rows R (1 or 2) of C, columns [j, j + 4V) over the k steps of one KC block of A^T B: row p of B gives V vectors, A
 * (stored k x m) the R splats. `lanes` < 4 (V = 1): the vector of B is loaded lane by lane.
 */
// @ts-ignore: decorator
@inline function tnBlock(R: i32, V: i32, kc: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, acc: bool,
  lanes: i32): void {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (let p = 0; p < kc; p++) {
    const x0 = v128.load32_splat(a);
    if (V == 1) {
      const b0 = lanes == 4 ? v128.load(b) : loadTail<f32>(b, lanes);
      s0 = madd4(x0, b0, s0);
      if (R == 2) s4 = madd4(v128.load32_splat(a, 4), b0, s4);
    } else {
      const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
      s0 = madd4(x0, b0, s0);
      s1 = madd4(x0, b1, s1);
      s2 = madd4(x0, b2, s2);
      s3 = madd4(x0, b3, s3);
      if (R == 2) {
        const x1 = v128.load32_splat(a, 4);
        s4 = madd4(x1, b0, s4);
        s5 = madd4(x1, b1, s5);
        s6 = madd4(x1, b2, s6);
        s7 = madd4(x1, b3, s7);
      } else if (V == 8) {
        const b4 = v128.load(b, 64), b5 = v128.load(b, 80), b6 = v128.load(b, 96), b7 = v128.load(b, 112);
        s4 = madd4(x0, b4, s4);
        s5 = madd4(x0, b5, s5);
        s6 = madd4(x0, b6, s6);
        s7 = madd4(x0, b7, s7);
      }
    }
    a += lda;
    b += ldb;
  }
  if (V == 1) {
    putLanes(c, s0, lanes, acc);
    if (R == 2) putLanes(c + ldc, s4, lanes, acc);
    return;
  }
  putLanes(c, s0, 4, acc);
  putLanes(c + 16, s1, 4, acc);
  putLanes(c + 32, s2, 4, acc);
  putLanes(c + 48, s3, 4, acc);
  const c4 = R == 2 ? c + ldc : c + 64; // the second row, or the next 16 columns of the first
  putLanes(c4, s4, 4, acc);
  putLanes(c4 + 16, s5, 4, acc);
  putLanes(c4 + 32, s6, 4, acc);
  putLanes(c4 + 48, s7, 4, acc);
}

/**
 * C (+)= A^T B over kc steps (one KC block) for m <= TN_ROWS_MAX (A stored k x m, B row-major k x n): two rows of C x
 * 16 columns (or one row x 32) per pass over the block of B, so every vector of B read feeds m FMAs, none computed
 * for rows that are not there.
 */
export function tnRowsF32(m: i32, n: i32, kc: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: bool): void {
  const la = <usize>lda << 2,
    lb = <usize>ldb << 2,
    lc = <usize>ldc << 2;
  for (let i = 0; i < m; i += 2) {
    const ai = a + (<usize>i << 2),
      ci = c + <usize>i * lc;
    let j = 0;
    if (m - i >= 2) {
      for (; j + 16 <= n; j += 16) tnBlock(2, 4, kc, ai, la, b + (<usize>j << 2), lb, ci + (<usize>j << 2), lc, acc, 4);
      for (; j < n; j += 4) tnBlock(2, 1, kc, ai, la, b + (<usize>j << 2), lb, ci + (<usize>j << 2), lc, acc, min(4, n - j));
    } else {
      for (; j + 32 <= n; j += 32) tnBlock(1, 8, kc, ai, la, b + (<usize>j << 2), lb, ci + (<usize>j << 2), lc, acc, 4);
      for (; j < n; j += 4) tnBlock(1, 1, kc, ai, la, b + (<usize>j << 2), lb, ci + (<usize>j << 2), lc, acc, min(4, n - j));
    }
  }
}
