// Register-blocked, cache-blocked GEMM: C = op(A) op(B) (+ C when beta = 1), row-major, f32 and f64.
// BLIS-style loops: B block (KC x NC) and A block (MC x KC) are packed into `work` (zero-padded to full
// micro-panels, transposes resolved while packing), then an MR x NR micro-kernel sweeps the block. f32: a
// row-major B is read in place when C has few rows, n = 1 runs as a GEMV, and other memory-bound shapes run the
// kernels of skinny.ts.
import { madd4, madd2 } from './simd';
import { RANK_K_MAX, TN_ROWS_MAX, gemvTF32, rankKPack, rankKRowsF32, rankKWorkBytes, tnRowsF32 } from './skinny';

const MR_F32 = 6; // 6 rows x 2 f32x4 = 12 accumulators: enough independent FMAs to cover latency x 2 pipes
const MR_F64 = 4;
const NR_F32 = 8;
const NR_F64 = 4; // 4 rows x 2 f64x2 = 8 accumulators
const KC = 256;
const MC = 144; // a multiple of both MR
/** Up to this many rows of C, f32 GEMMs read a row-major B in place instead of packing it. */
const B_DIRECT_MAX_M = 48;
/** From this k on, f32 row-major A with one k block is read in place (micro_f32_rows): a row's run fills a cache line. */
const ROWS_A_MIN_K = 16;
const NC_F32 = 1024;
const NC_F64 = 512;

/** Bytes of scratch one thread must pass as `work` (same for both precisions). */
export function gemm_work_bytes(): i32 {
  const f32 = (KC * NC_F32 + MC * KC + MR_F32 * NR_F32) * 4;
  const f64 = (KC * NC_F64 + MC * KC + MR_F64 * NR_F64) * 8;
  return max(f32, f64);
}

// @ts-ignore: decorator
@inline function el<T>(base: usize, i: i32): usize { return base + <usize>i * sizeof<T>(); }

/** Transposes a 4x4 f32 block given by its rows x0..x3: column q goes to dst + q * stride. */
// @ts-ignore: decorator
@inline function storeT4(dst: usize, stride: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t1, 0, 2));
  v128.store(dst + stride, v128.shuffle<i64>(t0, t1, 1, 3));
  v128.store(dst + 2 * stride, v128.shuffle<i64>(t2, t3, 0, 2));
  v128.store(dst + 3 * stride, v128.shuffle<i64>(t2, t3, 1, 3));
}

// @ts-ignore: decorator
@inline function mrOf<T>(): i32 { return sizeof<T>() == 4 ? MR_F32 : MR_F64; }

/** Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels: dst[panel][p][r]. */
function packA<T>(ta: bool, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  const MR = mrOf<T>();
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const i = i0 + ip;
    if (rows == MR && !ta) {
      const r0 = el<T>(a, i * lda + p0), r1 = el<T>(r0, lda), r2 = el<T>(r1, lda), r3 = el<T>(r2, lda);
      const r4 = el<T>(r3, lda), r5 = el<T>(r4, lda);
      let p = 0;
      if (sizeof<T>() == 4) {
        // four k steps at a time: 4x4 transpose of rows 0-3, rows 4-5 interleaved in pairs
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          storeT4(dst, 24, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
          const v4 = v128.load(r4 + o), v5 = v128.load(r5 + o);
          const lo = v128.shuffle<i32>(v4, v5, 0, 4, 1, 5), hi = v128.shuffle<i32>(v4, v5, 2, 6, 3, 7);
          store<i64>(dst, i64x2.extract_lane(lo, 0), 16);
          store<i64>(dst, i64x2.extract_lane(lo, 1), 40);
          store<i64>(dst, i64x2.extract_lane(hi, 0), 64);
          store<i64>(dst, i64x2.extract_lane(hi, 1), 88);
          dst += 96;
        }
      }
      for (; p < kc; p++) {
        const o = <usize>p * sizeof<T>();
        store<T>(dst, load<T>(r0 + o));
        store<T>(dst, load<T>(r1 + o), sizeof<T>());
        store<T>(dst, load<T>(r2 + o), 2 * sizeof<T>());
        store<T>(dst, load<T>(r3 + o), 3 * sizeof<T>());
        if (MR == 6) {
          store<T>(dst, load<T>(r4 + o), 4 * sizeof<T>());
          store<T>(dst, load<T>(r5 + o), 5 * sizeof<T>());
        }
        dst += MR * sizeof<T>();
      }
    } else if (rows == MR) {
      // MR contiguous elements per step: 6 f32 (16 + 8 bytes) or 4 f64 (2 x 16 bytes).
      let src = el<T>(a, p0 * lda + i);
      const step = <usize>lda * sizeof<T>();
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        if (sizeof<T>() == 4) store<u64>(dst, load<u64>(src, 16), 16);
        else v128.store(dst, v128.load(src, 16), 16);
        src += step;
        dst += MR * sizeof<T>();
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          let v: T = 0;
          if (r < rows) v = load<T>(ta ? el<T>(a, (p0 + p) * lda + i + r) : el<T>(a, (i + r) * lda + p0 + p));
          store<T>(dst, v);
          dst += sizeof<T>();
        }
      }
    }
  }
}

/** Packs rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) into NR-column panels: dst[panel][p][j]. */
function packB<T>(tb: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, nr: i32, dst: usize): void {
  const panel = <usize>kc * <usize>nr * sizeof<T>();
  for (let jp = 0; jp < nc; jp += nr) {
    const cols = min(nr, nc - jp);
    const j = j0 + jp;
    if (cols == nr && !tb) {
      // nr * sizeof<T> is 32 bytes in both precisions: two vector copies per row.
      let src = el<T>(b, p0 * ldb + j);
      let d = dst;
      const step = <usize>ldb * sizeof<T>();
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step;
        d += 32;
      }
    } else if (cols == nr && sizeof<T>() == 4) {
      // B^T: each panel column is a contiguous run along k; 4x4 transposes give four rows of the panel at a time
      const s0 = el<T>(b, j * ldb + p0);
      const ld = <usize>ldb << 2;
      let d = dst;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = s0 + (<usize>p << 2);
        storeT4(d, 32, v128.load(o), v128.load(o + ld), v128.load(o + 2 * ld), v128.load(o + 3 * ld));
        storeT4(d + 16, 32, v128.load(o + 4 * ld), v128.load(o + 5 * ld), v128.load(o + 6 * ld), v128.load(o + 7 * ld));
        d += 128;
      }
      for (; p < kc; p++) {
        for (let c = 0; c < nr; c++) store<T>(d + (<usize>c << 2), load<T>(s0 + <usize>c * ld + (<usize>p << 2)));
        d += 32;
      }
    } else {
      if (cols < nr) memory.fill(dst, 0, panel);
      for (let c = 0; c < cols; c++) {
        let d = dst + <usize>c * sizeof<T>();
        if (tb) {
          const src = el<T>(b, (j + c) * ldb + p0);
          for (let p = 0; p < kc; p++) {
            store<T>(d, load<T>(el<T>(src, p)));
            d += <usize>nr * sizeof<T>();
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<T>(d, load<T>(el<T>(b, (p0 + p) * ldb + j + c)));
            d += <usize>nr * sizeof<T>();
          }
        }
      }
    }
    dst += panel;
  }
}

// @ts-ignore: decorator
@inline function put(p: usize, v0: v128, v1: v128, acc: bool, isF32: bool): void {
  if (acc) {
    v0 = isF32 ? f32x4.add(v0, v128.load(p)) : f64x2.add(v0, v128.load(p));
    v1 = isF32 ? f32x4.add(v1, v128.load(p, 16)) : f64x2.add(v1, v128.load(p, 16));
  }
  v128.store(p, v0);
  v128.store(p, v1, 16);
}

/** Copies the valid mr x nr corner of a full 32-byte-row tile into C. */
function putPartial<T>(tmp: usize, c: usize, ldc: i32, acc: bool, mr: i32, nr: i32): void {
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const s = load<T>(tmp + <usize>(r * 32) + <usize>j * sizeof<T>());
      const d = el<T>(c, r * ldc + j);
      store<T>(d, acc ? load<T>(d) + s : s);
    }
  }
}

/** 6x8 f32 tile over kc steps of a 6-row A panel (12 accumulators): packed (as = 24), or read in place from
 * A^T, whose row p holds the panel's 6 entries contiguously (as = lda bytes). */
function micro_f32(kc: i32, pa: usize, as: usize, pb: usize, bs: usize, c: usize, ldc: i32, acc: bool, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd4(x, b0, c00); c01 = madd4(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd4(x, b0, c10); c11 = madd4(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd4(x, b0, c20); c21 = madd4(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd4(x, b0, c30); c31 = madd4(x, b1, c31);
    x = v128.load32_splat(pa, 16);
    c40 = madd4(x, b0, c40); c41 = madd4(x, b1, c41);
    x = v128.load32_splat(pa, 20);
    c50 = madd4(x, b0, c50); c51 = madd4(x, b1, c51);
    pa += as;
    pb += bs;
  }
  putTile6(c, ldc, acc, mr, nr, tmp, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
}

/**
 * micro_f32 over 6 rows of a row-major A read in place (row r at a0 + r * ld bytes, k along the row): the
 * tall activations of X W and dY W^T need no packing pass over memory; the same FMAs in the same order.
 */
function micro_f32_rows(kc: i32, a0: usize, ld: usize, pb: usize, bs: usize, c: usize, ldc: i32, acc: bool, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  let q0 = a0;
  let q3 = a0 + 3 * ld;
  const ld2 = 2 * ld;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(q0);
    c00 = madd4(x, b0, c00); c01 = madd4(x, b1, c01);
    x = v128.load32_splat(q0 + ld);
    c10 = madd4(x, b0, c10); c11 = madd4(x, b1, c11);
    x = v128.load32_splat(q0 + ld2);
    c20 = madd4(x, b0, c20); c21 = madd4(x, b1, c21);
    x = v128.load32_splat(q3);
    c30 = madd4(x, b0, c30); c31 = madd4(x, b1, c31);
    x = v128.load32_splat(q3 + ld);
    c40 = madd4(x, b0, c40); c41 = madd4(x, b1, c41);
    x = v128.load32_splat(q3 + ld2);
    c50 = madd4(x, b0, c50); c51 = madd4(x, b1, c51);
    q0 += 4;
    q3 += 4;
    pb += bs;
  }
  putTile6(c, ldc, acc, mr, nr, tmp, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
}

/** Stores a 6x8 f32 tile (the valid mr x nr corner of it through tmp when partial). */
// @ts-ignore: decorator
@inline function putTile6(c: usize, ldc: i32, acc: bool, mr: i32, nr: i32, tmp: usize, c00: v128, c01: v128, c10: v128,
  c11: v128, c20: v128, c21: v128, c30: v128, c31: v128, c40: v128, c41: v128, c50: v128, c51: v128): void {
  if (mr == MR_F32 && nr == NR_F32) {
    const ld = <usize>ldc << 2;
    put(c, c00, c01, acc, true);
    put(c + ld, c10, c11, acc, true);
    put(c + 2 * ld, c20, c21, acc, true);
    put(c + 3 * ld, c30, c31, acc, true);
    put(c + 4 * ld, c40, c41, acc, true);
    put(c + 5 * ld, c50, c51, acc, true);
  } else {
    put(tmp, c00, c01, false, true);
    put(tmp + 32, c10, c11, false, true);
    put(tmp + 64, c20, c21, false, true);
    put(tmp + 96, c30, c31, false, true);
    put(tmp + 128, c40, c41, false, true);
    put(tmp + 160, c50, c51, false, true);
    putPartial<f32>(tmp, c, ldc, acc, mr, nr);
  }
}

/**
 * The first 4 rows of a 6-row panel as a 4x8 tile: the last row tile when only up to 4 rows are left
 * costs 8 FMAs per step instead of 12 (m = 20 or 2 would otherwise waste a third or two thirds).
 */
function micro_f32_4(kc: i32, pa: usize, pb: usize, bs: usize, c: usize, ldc: i32, acc: bool, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd4(x, b0, c00); c01 = madd4(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd4(x, b0, c10); c11 = madd4(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd4(x, b0, c20); c21 = madd4(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd4(x, b0, c30); c31 = madd4(x, b1, c31);
    pa += MR_F32 * 4;
    pb += bs;
  }
  put(tmp, c00, c01, false, true);
  put(tmp + 32, c10, c11, false, true);
  put(tmp + 64, c20, c21, false, true);
  put(tmp + 96, c30, c31, false, true);
  putPartial<f32>(tmp, c, ldc, acc, mr, nr);
}

function micro_f64(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, acc: bool, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f64x2.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = madd2(a, b0, c00); c01 = madd2(a, b1, c01);
    a = v128.load64_splat(pa, 8);
    c10 = madd2(a, b0, c10); c11 = madd2(a, b1, c11);
    a = v128.load64_splat(pa, 16);
    c20 = madd2(a, b0, c20); c21 = madd2(a, b1, c21);
    a = v128.load64_splat(pa, 24);
    c30 = madd2(a, b0, c30); c31 = madd2(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  if (mr == MR_F64 && nr == NR_F64) {
    const ld = <usize>ldc << 3;
    put(c, c00, c01, acc, false);
    put(c + ld, c10, c11, acc, false);
    put(c + 2 * ld, c20, c21, acc, false);
    put(c + 3 * ld, c30, c31, acc, false);
  } else {
    put(tmp, c00, c01, false, false);
    put(tmp + 32, c10, c11, false, false);
    put(tmp + 64, c20, c21, false, false);
    put(tmp + 96, c30, c31, false, false);
    putPartial<f64>(tmp, c, ldc, acc, mr, nr);
  }
}

/**
 * Rows [r0, r1) of C[:, 0] = A x (+ C) for n = 1, row-major A and a contiguous x (op(B)'s only column): output layers,
 * where the tile kernels would use one of 8 columns. Four rows at a time, f32x4 over k; each row's sum is the same
 * wherever the range starts.
 */
function gemv_f32(m: i32, k: i32, a: usize, lda: i32, x: usize, c: usize, ldc: i32, beta: bool, r0: i32): void {
  const k4 = k & ~3;
  const ld = <usize>lda << 2;
  for (let i = r0; i < m; i += 4) {
    const rows = min(4, m - i);
    const r0 = a + (<usize>i * ld);
    // rows past m re-read the last row (results dropped), so nothing outside A is touched
    const r1 = rows > 1 ? r0 + ld : r0, r2 = rows > 2 ? r1 + ld : r1, r3 = rows > 3 ? r2 + ld : r2;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let p = 0; p < k4; p += 4) {
      const o = <usize>p << 2;
      const v = v128.load(x + o);
      s0 = madd4(v128.load(r0 + o), v, s0);
      s1 = madd4(v128.load(r1 + o), v, s1);
      s2 = madd4(v128.load(r2 + o), v, s2);
      s3 = madd4(v128.load(r3 + o), v, s3);
    }
    // horizontal sums of the four accumulators at once: lane r of t is row r's total
    const u0 = f32x4.add(v128.shuffle<i32>(s0, s1, 0, 4, 1, 5), v128.shuffle<i32>(s0, s1, 2, 6, 3, 7));
    const u1 = f32x4.add(v128.shuffle<i32>(s2, s3, 0, 4, 1, 5), v128.shuffle<i32>(s2, s3, 2, 6, 3, 7));
    const t = f32x4.add(v128.shuffle<i64>(u0, u1, 0, 2), v128.shuffle<i64>(u0, u1, 1, 3));
    for (let r = 0; r < rows; r++) {
      const ri = i + r;
      const row = a + (<usize>ri * ld);
      let sum = f32x4.extract_lane(t, 0);
      if (r == 1) sum = f32x4.extract_lane(t, 1);
      else if (r == 2) sum = f32x4.extract_lane(t, 2);
      else if (r == 3) sum = f32x4.extract_lane(t, 3);
      for (let p = k4; p < k; p++) sum += load<f32>(row + (<usize>p << 2)) * load<f32>(x + (<usize>p << 2));
      const d = c + (<usize>ri * <usize>ldc << 2);
      store<f32>(d, beta ? load<f32>(d) + sum : sum);
    }
  }
}

/**
 * First row of block j of C's rows when threads claim blocks (gemm_f32_claim), past the end m: guided blocks of a
 * quarter of the rows left (whole row tiles, at least 4), so the first claims are long runs of rows and the last
 * ones short, and the thread done first waits for at most 4 tiles of the other. O(j): j stays below ~30.
 */
function claimedRow(j: i32, m: i32, mr: i32): i32 {
  let r = 0;
  for (let i = 0; i < j && r < m; i++) r += max(4 * mr, (m - r) / (4 * mr) * mr);
  return min(r, m);
}

// @ts-ignore: decorator
@inline function nextBlock(counter: usize, j: i32): i32 {
  return counter ? atomic.add<i32>(counter, 1) : j;
}

/** First row of row block q: claimed blocks (claimedRow), or, not claiming, block 0 is all m rows. */
// @ts-ignore: decorator
@inline function blockRow(counter: usize, q: i32, m: i32, mr: i32): i32 {
  return counter ? claimedRow(q, m, mr) : q > 0 ? m : 0;
}

const NOT_SKINNY = 0,
  GEMV = 1,
  RANK_K = 2,
  GEMV_T = 3,
  TN_ROWS = 4;

/** Which memory-bound f32 path (core/wasm/assembly/skinny.ts, gemv_f32) runs this product, if any. */
function skinnyPath(ta: bool, tb: bool, m: i32, n: i32, k: i32, ldb: i32): i32 {
  if (n == 1 && !ta && (tb || ldb == 1)) return GEMV;
  if (k <= RANK_K_MAX && rankKWorkBytes(k, n) <= <usize>(KC * NC_F32) << 2) return RANK_K;
  if (n == 1 && ta) return GEMV_T;
  if (ta && !tb && m <= TN_ROWS_MAX) return TN_ROWS;
  return NOT_SKINNY;
}

/** Runs a skinny path; GEMV and RANK_K rows may be claimed (counter), the others always run whole. */
function skinny(path: i32, ta: bool, tb: bool, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, beta: bool, work: usize, counter: usize): void {
  if (path == GEMV_T || path == TN_ROWS) {
    // k in KC blocks as the tile kernels take it: each block's sums from 0, then added to C
    const xs = tb ? 1 : ldb; // A^T x: x[p] at b + p xs (elements)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = beta || pc > 0;
      const ap = el<f32>(a, pc * lda);
      if (path == GEMV_T) gemvTF32(m, kc, ap, lda, el<f32>(b, pc * xs), xs, c, ldc, acc);
      else tnRowsF32(m, n, kc, ap, lda, el<f32>(b, pc * ldb), ldb, c, ldc, acc);
    }
    return;
  }
  if (path == RANK_K) rankKPack(tb, n, k, b, ldb, work);
  for (let j = 0; ; j++) {
    const q = nextBlock(counter, j);
    const r0 = blockRow(counter, q, m, MR_F32);
    if (r0 >= m) break;
    const r1 = blockRow(counter, q + 1, m, MR_F32);
    if (path == GEMV) gemv_f32(r1, k, a, lda, b, c, ldc, beta, r0);
    else rankKRowsF32(ta, n, k, a, lda, work, c, ldc, beta, r0, r1);
  }
}

function gemmOne<T>(ta: bool, tb: bool, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, beta: bool, work: usize, counter: usize = 0): void {
  const isF32 = sizeof<T>() == 4;
  const NR = isF32 ? NR_F32 : NR_F64;
  const NC = isF32 ? NC_F32 : NC_F64;
  const MR = mrOf<T>();
  if (k <= 0) {
    if (!beta) for (let i = 0; i < m; i++) memory.fill(el<T>(c, i * ldc), 0, <usize>n * sizeof<T>());
    return;
  }
  if (isF32) {
    const path = skinnyPath(ta, tb, m, n, k, ldb);
    if (path != NOT_SKINNY) {
      skinny(path, ta, tb, m, n, k, a, lda, b, ldb, c, ldc, beta, work, counter);
      return;
    }
  }
  const pb = work;
  const pa = pb + <usize>(KC * NC) * sizeof<T>();
  const tmp = pa + <usize>(MC * KC) * sizeof<T>();
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = beta || pc > 0;
      // small m: B is read where it lies (its rows are runs of 8 along n), packing it would cost more than
      // the few row tiles reusing it; only a last partial panel is packed (zero-padded)
      const bDirect = isF32 && !tb && m <= B_DIRECT_MAX_M;
      const ncFull = nc - nc % NR;
      if (!bDirect) packB<T>(tb, b, ldb, pc, jc, kc, nc, NR, pb);
      else if (ncFull < nc) packB<T>(tb, b, ldb, pc, jc + ncFull, kc, nc - ncFull, NR, pb + <usize>ncFull * <usize>kc * sizeof<T>());
      // f32 A^T with a single row block (weight gradients X^T dY): full 6-row panels are read where they lie (row p
      // of the panel is 6 contiguous entries of X, stride lda), only a last partial panel is packed (measured 3-6%
      // less CPU per call at 128x128x8192 and 64x64x8192 TN; reading B in place too was slower at n = 128)
      const aDirect = isF32 && ta && m <= MC;
      // f32 row-major A with one k block and packed B (tall activations times a weight): full 6-row panels are read
      // where they lie by micro_f32_rows (measured 5-8% less CPU per call at 4096x64x64 and 8192x128x128, NN and NT)
      const aRows = isF32 && !ta && k >= ROWS_A_MIN_K && k <= KC && m > B_DIRECT_MAX_M;
      const mFull = m - m % MR;
      // all rows in MC-row blocks, or (counter) the row ranges this thread claims, each in MC-row blocks: only with
      // one k and one column block
      for (let j = 0; ; j++) {
        const q = nextBlock(counter, j);
        const r0 = blockRow(counter, q, m, MR);
        if (r0 >= m) break;
        const r1 = blockRow(counter, q + 1, m, MR);
        for (let ic = r0; ic < r1; ic += MC) {
          const mc = min(MC, r1 - ic);
          if (aDirect || aRows) {
            // only a last partial panel is packed (in the first panel's place: nothing else of this block is)
            if (ic + mc > mFull) packA<T>(ta, a, lda, mFull, pc, m - mFull, kc, pa);
          } else packA<T>(ta, a, lda, ic, pc, mc, kc, pa);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = min(NR, nc - jr);
            const direct = bDirect && jr < ncFull;
            const pbPanel = direct ? el<T>(b, pc * ldb + jc + jr) : pb + <usize>jr * <usize>kc * sizeof<T>();
            const bs: usize = direct ? <usize>ldb * sizeof<T>() : 32;
            for (let ir = 0; ir < mc; ir += MR) {
              const mr = min(MR, mc - ir);
              const cp = el<T>(c, (ic + ir) * ldc + jc + jr);
              const full = ic + ir < mFull;
              const aHere = aDirect && full;
              const pp = aHere ? el<T>(a, pc * lda + ir) : aDirect || aRows ? pa : pa + <usize>ir * <usize>kc * sizeof<T>();
              if (aRows && full) {
                micro_f32_rows(kc, el<T>(a, (ic + ir) * lda + pc), <usize>lda << 2, pbPanel, bs, cp, ldc, acc, mr, nr, tmp);
              } else if (isF32 && mr <= 4) {
                micro_f32_4(kc, pp, pbPanel, bs, cp, ldc, acc, mr, nr, tmp);
              } else if (isF32) {
                micro_f32(kc, pp, aHere ? <usize>lda << 2 : 24, pbPanel, bs, cp, ldc, acc, mr, nr, tmp);
              } else {
                micro_f64(kc, pp, pbPanel, cp, ldc, acc, mr, nr, tmp);
              }
            }
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function gemmBatched<T>(ta: i32, tb: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, sa: i32,
  b: usize, ldb: i32, sb: i32, c: usize, ldc: i32, sc: i32, batch: i32, beta: i32, work: usize): void {
  for (let q = 0; q < batch; q++) {
    gemmOne<T>(ta != 0, tb != 0, m, n, k, el<T>(a, q * sa), lda, el<T>(b, q * sb), ldb, el<T>(c, q * sc), ldc, beta != 0, work);
  }
}

/** Batched C[q] = op(A[q]) op(B[q]) (+ C[q] if beta), strides sa/sb/sc and leading dims in elements. */
export function gemm_f32(ta: i32, tb: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, sa: i32,
  b: usize, ldb: i32, sb: i32, c: usize, ldc: i32, sc: i32, batch: i32, beta: i32, work: usize): void {
  gemmBatched<f32>(ta, tb, m, n, k, a, lda, sa, b, ldb, sb, c, ldc, sc, batch, beta, work);
}

/**
 * Whether gemm_f32_claim can run this product: f32 row-major A read in place, one k block, one column block; or a
 * rank-k update (k <= RANK_K_MAX, or its GEMV when n = 1), whose rows are independent.
 */
export function gemm_claimable(ta: i32, m: i32, n: i32, k: i32): i32 {
  if (m <= B_DIRECT_MAX_M) return 0;
  if (k >= 1 && k <= RANK_K_MAX) {
    // tb and ldb only choose between these two (a strided x makes a GEMV a rank-k update), both claimable
    const path = skinnyPath(ta != 0, false, m, n, k, 1);
    return i32(path == GEMV || path == RANK_K);
  }
  return i32(ta == 0 && k >= ROWS_A_MIN_K && k <= KC && n <= NC_F32 && n > 1);
}

/**
 * gemm_f32 (one product) for threads that share its rows as they get to them: each runs it with the same
 * arguments and its own `work`, claiming row blocks from the i32 at `counter` (zeroed before the first starts).
 * A thread that is not scheduled leaves its blocks to the other; each row tile is computed by the same code
 * either way, so the result has the same bits as gemm_f32. Only where gemm_claimable (B is packed once).
 */
export function gemm_f32_claim(ta: i32, tb: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, beta: i32, work: usize, counter: usize): void {
  if (claimedRow(atomic.load<i32>(counter), m, MR_F32) >= m) return; // started late: nothing left, skip packing B
  gemmOne<f32>(ta != 0, tb != 0, m, n, k, a, lda, b, ldb, c, ldc, beta != 0, work, counter);
}

export function gemm_f64(ta: i32, tb: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, sa: i32,
  b: usize, ldb: i32, sb: i32, c: usize, ldc: i32, sc: i32, batch: i32, beta: i32, work: usize): void {
  gemmBatched<f64>(ta, tb, m, n, k, a, lda, sa, b, ldb, sb, c, ldc, sc, batch, beta, work);
}
