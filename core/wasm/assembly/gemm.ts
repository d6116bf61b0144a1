// Register-blocked, cache-blocked GEMM: C = op(A) op(B) (+ C when beta = 1), row-major, f32 and f64.
// BLIS-style loops: B block (KC x NC) and A block (MC x KC) are packed into `work` (zero-padded to full
// micro-panels, transposes resolved while packing), then an MR x NR micro-kernel sweeps the block.
import { madd4, madd2 } from './simd';

const MR = 4;
const NR_F32 = 8; // 4 rows x 2 f32x4 = 8 accumulators
const NR_F64 = 4; // 4 rows x 2 f64x2 = 8 accumulators
const KC = 256;
const MC = 128;
const NC_F32 = 1024;
const NC_F64 = 512;

/** Bytes of scratch one thread must pass as `work` (same for both precisions). */
export function gemm_work_bytes(): i32 {
  const f32 = (KC * NC_F32 + MC * KC + MR * NR_F32) * 4;
  const f64 = (KC * NC_F64 + MC * KC + MR * NR_F64) * 8;
  return max(f32, f64);
}

// @ts-ignore: decorator
@inline function el<T>(base: usize, i: i32): usize { return base + <usize>i * sizeof<T>(); }

/** Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels: dst[panel][p][r]. */
function packA<T>(ta: bool, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const i = i0 + ip;
    if (rows == MR && !ta) {
      const r0 = el<T>(a, i * lda + p0), r1 = el<T>(r0, lda), r2 = el<T>(r1, lda), r3 = el<T>(r2, lda);
      for (let p = 0; p < kc; p++) {
        const o = <usize>p * sizeof<T>();
        store<T>(dst, load<T>(r0 + o));
        store<T>(dst, load<T>(r1 + o), sizeof<T>());
        store<T>(dst, load<T>(r2 + o), 2 * sizeof<T>());
        store<T>(dst, load<T>(r3 + o), 3 * sizeof<T>());
        dst += MR * sizeof<T>();
      }
    } else if (rows == MR) {
      // MR contiguous elements per step: one f32x4 or two f64x2 vectors.
      let src = el<T>(a, p0 * lda + i);
      const step = <usize>lda * sizeof<T>();
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        if (sizeof<T>() == 8) v128.store(dst, v128.load(src, 16), 16);
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

function micro_f32(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, acc: bool, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd4(a, b0, c00); c01 = madd4(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd4(a, b0, c10); c11 = madd4(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd4(a, b0, c20); c21 = madd4(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd4(a, b0, c30); c31 = madd4(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (mr == MR && nr == NR_F32) {
    const ld = <usize>ldc << 2;
    put(c, c00, c01, acc, true);
    put(c + ld, c10, c11, acc, true);
    put(c + 2 * ld, c20, c21, acc, true);
    put(c + 3 * ld, c30, c31, acc, true);
  } else {
    put(tmp, c00, c01, false, true);
    put(tmp + 32, c10, c11, false, true);
    put(tmp + 64, c20, c21, false, true);
    put(tmp + 96, c30, c31, false, true);
    putPartial<f32>(tmp, c, ldc, acc, mr, nr);
  }
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
  if (mr == MR && nr == NR_F64) {
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

function gemmOne<T>(ta: bool, tb: bool, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32,
  c: usize, ldc: i32, beta: bool, work: usize): void {
  const isF32 = sizeof<T>() == 4;
  const NR = isF32 ? NR_F32 : NR_F64;
  const NC = isF32 ? NC_F32 : NC_F64;
  if (k <= 0) {
    if (!beta) for (let i = 0; i < m; i++) memory.fill(el<T>(c, i * ldc), 0, <usize>n * sizeof<T>());
    return;
  }
  const pb = work;
  const pa = pb + <usize>(KC * NC) * sizeof<T>();
  const tmp = pa + <usize>(MC * KC) * sizeof<T>();
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = beta || pc > 0;
      packB<T>(tb, b, ldb, pc, jc, kc, nc, NR, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA<T>(ta, a, lda, ic, pc, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pbPanel = pb + <usize>jr * <usize>kc * sizeof<T>();
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = el<T>(c, (ic + ir) * ldc + jc + jr);
            const paPanel = pa + <usize>ir * <usize>kc * sizeof<T>();
            if (isF32) micro_f32(kc, paPanel, pbPanel, cp, ldc, acc, mr, nr, tmp);
            else micro_f64(kc, paPanel, pbPanel, cp, ldc, acc, mr, nr, tmp);
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

export function gemm_f64(ta: i32, tb: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, sa: i32,
  b: usize, ldb: i32, sb: i32, c: usize, ldc: i32, sc: i32, batch: i32, beta: i32, work: usize): void {
  gemmBatched<f64>(ta, tb, m, n, k, a, lda, sa, b, ldb, sb, c, ldc, sc, batch, beta, work);
}
