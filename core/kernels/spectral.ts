// Reference kernels of the spectral-layer primitives (core/prims/spectral.ts): the truncated real DFT along
// the leading axis and the real block form of complex channel-mixing weights. Plain loops in the
// output's precision with f64 twiddles; the wasm backend runs the DFT as GEMM or FFT (core/compile/spectralStep.ts).
import type { TypedArray } from '../dtype.js';

/**
 * Per-bin scale of the truncated DFT: 1, or with `weighted` the irfft weight t_k / n (t_k = 1 for DC and, for
 * even n, Nyquist, else 2: irfft counts every other bin twice, once for its conjugate).
 */
export function binScale(n: number, k: number, weighted: boolean): number {
  if (!weighted) return 1;
  return (k === 0 || 2 * k === n ? 1 : 2) / n;
}

/**
 * cos and -sin tables [m, n] scaled per bin: row k holds s_k cos(2 pi jk/n) and -s_k sin(2 pi jk/n), the
 * angle reduced mod n first so large jk stay exact. Cached per (n, m, weighted): every layer shares them.
 */
const tables = new Map<string, { cos: Float64Array; sin: Float64Array }>();
export function dftTables(n: number, m: number, weighted: boolean): { cos: Float64Array; sin: Float64Array } {
  const key = `${n}:${m}:${weighted}`;
  let t = tables.get(key);
  if (!t) {
    const cos = new Float64Array(m * n);
    const sin = new Float64Array(m * n);
    for (let k = 0; k < m; k++) {
      const s = binScale(n, k, weighted);
      for (let j = 0; j < n; j++) {
        const a = (2 * Math.PI * ((j * k) % n)) / n;
        cos[k * n + j] = s * Math.cos(a);
        sin[k * n + j] = -s * Math.sin(a);
      }
    }
    tables.set(key, (t = { cos, sin }));
  }
  return t;
}

/** rdft_modes: x [n, L] -> out [m, 2, L], out[k, p, l] = sum_j table_p[k, j] x[j, l] (table_0 = cos, table_1 = -sin). */
export function rdftModes(x: TypedArray, n: number, L: number, m: number, weighted: boolean, out: TypedArray): void {
  const { cos, sin } = dftTables(n, m, weighted);
  const re = new Float64Array(L);
  const im = new Float64Array(L);
  for (let k = 0; k < m; k++) {
    re.fill(0);
    im.fill(0);
    for (let j = 0; j < n; j++) {
      const c0 = cos[k * n + j];
      const s0 = sin[k * n + j];
      for (let l = 0, at = j * L; l < L; l++) {
        re[l] += c0 * x[at + l];
        im[l] += s0 * x[at + l];
      }
    }
    out.set(re, 2 * k * L);
    out.set(im, (2 * k + 1) * L);
  }
}

/** irdft_modes: X [m, 2, L] -> out [n, L], out[j, l] = sum_k table_0[k, j] X[k, 0, l] + table_1[k, j] X[k, 1, l]. */
export function irdftModes(X: TypedArray, n: number, L: number, m: number, weighted: boolean, out: TypedArray): void {
  const { cos, sin } = dftTables(n, m, weighted);
  const acc = new Float64Array(L);
  for (let j = 0; j < n; j++) {
    acc.fill(0);
    for (let k = 0; k < m; k++) {
      const c0 = cos[k * n + j];
      const s0 = sin[k * n + j];
      for (let l = 0, re = 2 * k * L, im = re + L; l < L; l++) acc[l] += c0 * X[re + l] + s0 * X[im + l];
    }
    out.set(acc, j * L);
  }
}

/**
 * complex_block: complex weights w [Cin, Cout, K, 2] -> out [K, 2Cin, 2Cout] = [[wr, wi], [-wi, wr]] per mode,
 * so that [xr | xi] @ block = [xr wr - xi wi | xr wi + xi wr] is the complex product as one real GEMM.
 */
export function complexBlock(w: TypedArray, cin: number, cout: number, K: number, out: TypedArray): void {
  const row = 2 * cout;
  for (let k = 0; k < K; k++)
    for (let i = 0; i < cin; i++) {
      const top = (k * 2 * cin + i) * row;
      const bottom = top + cin * row;
      for (let o = 0, src = 2 * (i * cout * K + k); o < cout; o++, src += 2 * K) {
        const wr = w[src];
        const wi = w[src + 1];
        out[top + o] = wr;
        out[top + cout + o] = wi;
        out[bottom + o] = -wi;
        out[bottom + cout + o] = wr;
      }
    }
}

/** complex_block_t, the transpose of complexBlock: g [K, 2Cin, 2Cout] -> out [Cin, Cout, K, 2] = (g00 + g11, g01 - g10). */
export function complexBlockT(g: TypedArray, cin: number, cout: number, K: number, out: TypedArray): void {
  const row = 2 * cout;
  for (let k = 0; k < K; k++)
    for (let i = 0; i < cin; i++) {
      const top = (k * 2 * cin + i) * row;
      const bottom = top + cin * row;
      for (let o = 0, dst = 2 * (i * cout * K + k); o < cout; o++, dst += 2 * K) {
        out[dst] = g[top + o] + g[bottom + cout + o];
        out[dst + 1] = g[top + cout + o] - g[bottom + o];
      }
    }
}
