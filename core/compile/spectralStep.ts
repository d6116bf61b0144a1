// Compiled (wasm backend) steps of the truncated real DFTs of the spectral layers (core/prims/spectral.ts),
// along the leading axis of [n, L]: one GEMM against a [2m, n] table of cos / -sin rows (4 n m flops per column,
// at GEMM speed); the same GEMM folded by the tables' symmetry (cos even, sin odd about j = n/2: half the flops,
// plus a pass of row sums and differences); or FFTs across all columns (core/kernels/fftColumns.ts: ~2.5 n log2 n
// flops per column, at plain-JS speed). Which is cheapest depends on n, m, L and the machine, so the first compile
// of a shape times each on scratch buffers and keeps the fastest for the process (a measured choice, not a model).
import type { WasmKernels } from '../wasm/kernels.js';
import { dftTables } from '../kernels/spectral.js';
import { rdftModesFft, irdftModesFft, releaseFftWork } from '../kernels/fftColumns.js';

type Float = 'f32' | 'f64';
const BYTES: Record<Float, number> = { f32: 4, f64: 8 };

/** The [2m, n] table (rows cos_k, -sin_k interleaved) in wasm memory, per kernel instance; it lives as long as the module. */
const resident = new WeakMap<WasmKernels, Map<string, number>>();
function tableIn(k: WasmKernels, n: number, m: number, weighted: boolean, dtype: Float): number {
  let cache = resident.get(k);
  if (!cache) resident.set(k, (cache = new Map()));
  const key = `${n}:${m}:${weighted}:${dtype}`;
  let ptr = cache.get(key);
  if (ptr === undefined) {
    const { cos, sin } = dftTables(n, m, weighted);
    ptr = k.alloc(2 * m * n * BYTES[dtype]);
    const view = dtype === 'f32' ? k.f32view(ptr, 2 * m * n) : k.f64view(ptr, 2 * m * n);
    for (let r = 0; r < m; r++) {
      view.set(cos.subarray(r * n, (r + 1) * n), 2 * r * n);
      view.set(sin.subarray(r * n, (r + 1) * n), (2 * r + 1) * n);
    }
    cache.set(key, ptr);
  }
  return ptr;
}

export interface DftShape {
  /** transform length */
  n: number;
  /** kept bins */
  m: number;
  /** columns transformed together (the product of the trailing axes) */
  L: number;
  weighted: boolean;
  dtype: Float;
}

export type SpectralPath = 'gemm' | 'fold' | 'fft';
/** Every path, in the order the measured choice prefers on a tie. */
export const SPECTRAL_PATHS: readonly SpectralPath[] = ['gemm', 'fold', 'fft'];
let forced: SpectralPath | 'auto' = 'auto';
/** Forces one path for steps compiled from now on ('auto': the measured choice); for benchmarks and tests. */
export function setSpectralPath(path: SpectralPath | 'auto'): void {
  forced = path;
}

type Kernel = (x: number, out: number) => void;
type Direction = 'rdft' | 'irdft';

function view(k: WasmKernels, dtype: Float, ptr: number, n: number): Float32Array | Float64Array {
  return dtype === 'f32' ? k.f32view(ptr, n) : k.f64view(ptr, n);
}

function fftKernel(k: WasmKernels, dir: Direction, s: DftShape): Kernel {
  const { n, m, L, weighted, dtype } = s;
  return dir === 'rdft'
    ? (x, out) => rdftModesFft(view(k, dtype, x, n * L), n, L, m, weighted, view(k, dtype, out, 2 * m * L))
    : (x, out) => irdftModesFft(view(k, dtype, x, 2 * m * L), n, L, m, weighted, view(k, dtype, out, n * L));
}

/** The measured choice per shape and direction (per kernel instance: threads change GEMM speed). */
const chosen = new WeakMap<WasmKernels, Map<string, SpectralPath>>();
function measure(k: WasmKernels, dir: Direction, s: DftShape, kernels: Record<SpectralPath, Kernel>): SpectralPath {
  let cache = chosen.get(k);
  if (!cache) chosen.set(k, (cache = new Map()));
  const key = `${dir}:${s.n}:${s.m}:${s.L}:${s.weighted}:${s.dtype}`;
  let path = cache.get(key);
  if (!path) {
    const bytes = BYTES[s.dtype];
    const [inLen, outLen] = dir === 'rdft' ? [s.n * s.L, 2 * s.m * s.L] : [2 * s.m * s.L, s.n * s.L];
    const x = k.alloc(inLen * bytes);
    const out = k.alloc(outLen * bytes);
    view(k, s.dtype, x, inLen).fill(1);
    const once = (f: Kernel): number => {
      const t0 = performance.now();
      f(x, out);
      return performance.now() - t0;
    };
    try {
      for (const p of SPECTRAL_PATHS) kernels[p](x, out); // untimed: builds the tables / the FFT plan and work arrays
      // one call each; a path 2x slower than the best is dropped, the close ones get two more timings each (minimum)
      const ms = new Map(SPECTRAL_PATHS.map((p) => [p, once(kernels[p])]));
      const best = () => Math.min(...ms.values());
      for (const [p, t] of ms) if (t >= 2 * best()) ms.delete(p);
      for (let r = 0; r < 2 && ms.size > 1; r++) for (const [p, t] of ms) ms.set(p, Math.min(t, once(kernels[p])));
      path = [...ms].reduce((a, b) => (b[1] < a[1] ? b : a))[0];
      if (path !== 'fft') releaseFftWork(s.n, s.L);
      if (path !== 'fold') releaseFoldWork(k, s);
    } finally {
      k.free(x);
      k.free(out);
    }
    cache.set(key, path);
  }
  return path;
}

/** The step of rdft_modes / irdft_modes on [n, L]: the forced path, else the measured faster one. */
export function dftStep(k: WasmKernels, dir: Direction, s: DftShape): Kernel {
  const kernels: Record<SpectralPath, Kernel> = {
    gemm: dir === 'rdft' ? rdftGemm(k, s) : irdftGemm(k, s),
    fold: dir === 'rdft' ? rdftFold(k, s) : irdftFold(k, s),
    fft: fftKernel(k, dir, s),
  };
  return kernels[forced === 'auto' ? measure(k, dir, s, kernels) : forced];
}

/** rdft_modes: x [n, L] -> [2m, L] = table [2m, n] @ x. */
export function rdftGemm(k: WasmKernels, { n, m, L, weighted, dtype }: DftShape): (x: number, out: number) => void {
  return (x, out) => k.gemm({ dtype, m: 2 * m, n: L, k: n, a: tableIn(k, n, m, weighted, dtype), b: x, c: out });
}

/** irdft_modes: X [2m, L] -> [n, L] = table^T [n, 2m] @ X. */
export function irdftGemm(k: WasmKernels, { n, m, L, weighted, dtype }: DftShape): (x: number, out: number) => void {
  return (x, out) => k.gemm({ dtype, transA: true, m: n, n: L, k: 2 * m, a: tableIn(k, n, m, weighted, dtype), b: x, c: out });
}

// ---- the folded GEMMs ----
// With h = floor(n/2) and o = ceil(n/2) - 1: cos(2 pi (n-j) k/n) = cos(2 pi jk/n) and sin(...) = -sin(...), so
//   re_k = sum_{j<=h} C[k, j] e_j,  e_0 = x_0, e_j = x_j + x_{n-j} (0 < j < n-j), e_h = x_h for even n,
//   im_k = sum_{1<=j<=o} S[k, j] d_j,  d_j = x_j - x_{n-j},
// C and S the (scaled) cos / -sin tables: two GEMMs of m rows over about n/2 each instead of one of 2m rows over n.
// The inverse is their transpose: A = C^T re (rows 0..h), B = S^T im (rows 1..o), then x_j = A_j + B_j and
// x_{n-j} = A_j - B_j.

const half = (n: number): { h: number; o: number } => ({ h: n >> 1, o: (n - 1) >> 1 });

/** The folded tables in wasm memory: C [m, h+1] then S [m, o], per kernel instance and shape. */
const foldTables = new WeakMap<WasmKernels, Map<string, { c: number; s: number }>>();
function foldTablesIn(k: WasmKernels, n: number, m: number, weighted: boolean, dtype: Float): { c: number; s: number } {
  let cache = foldTables.get(k);
  if (!cache) foldTables.set(k, (cache = new Map()));
  const key = `${n}:${m}:${weighted}:${dtype}`;
  let t = cache.get(key);
  if (!t) {
    const { cos, sin } = dftTables(n, m, weighted);
    const { h, o } = half(n);
    const c = k.alloc(m * (h + 1 + o) * BYTES[dtype]);
    const v = view(k, dtype, c, m * (h + 1 + o));
    for (let r = 0; r < m; r++) {
      v.set(cos.subarray(r * n, r * n + h + 1), r * (h + 1));
      v.set(sin.subarray(r * n + 1, r * n + 1 + o), m * (h + 1) + r * o);
    }
    cache.set(key, (t = { c, s: c + m * (h + 1) * BYTES[dtype] }));
  }
  return t;
}

/** Scratch of n x L values per kernel instance and shape (the folded rows), shared by every step of that shape. */
const foldWork = new WeakMap<WasmKernels, Map<string, number>>();
function foldWorkIn(k: WasmKernels, { n, L, dtype }: DftShape): number {
  let cache = foldWork.get(k);
  if (!cache) foldWork.set(k, (cache = new Map()));
  const key = `${n}:${L}:${dtype}`;
  let ptr = cache.get(key);
  if (ptr === undefined) cache.set(key, (ptr = k.alloc(n * L * BYTES[dtype])));
  return ptr;
}
function releaseFoldWork(k: WasmKernels, { n, L, dtype }: DftShape): void {
  const cache = foldWork.get(k);
  const key = `${n}:${L}:${dtype}`;
  const ptr = cache?.get(key);
  if (ptr === undefined) return;
  k.free(ptr);
  cache?.delete(key);
}

/** Row-wise sums and differences: sum[i] = a[i] + b[i] and diff[i] = a[i] - b[i] over `len` values (byte pointers). */
function sumDiff(k: WasmKernels, dtype: Float): (a: number, b: number, sum: number, diff: number, len: number) => void {
  const add = k.raw[`add_${dtype}`];
  const sub = k.raw[`sub_${dtype}`];
  return (a, b, sum, diff, len) => {
    sub(a, b, diff, len); // first: sum may be a (in place)
    add(a, b, sum, len);
  };
}

/** rdft_modes folded: x [n, L] -> d rows (1..o) and e rows (0..h) in the scratch, then re = C e, im = S d. */
export function rdftFold(k: WasmKernels, s: DftShape): Kernel {
  const { n, m, L, weighted, dtype } = s;
  const { h, o } = half(n);
  const row = L * BYTES[dtype];
  const bf = sumDiff(k, dtype);
  return (x, out) => {
    const t = foldTablesIn(k, n, m, weighted, dtype);
    const e = foldWorkIn(k, s);
    const d = e + (h + 1) * row; // d_j at d + (j - 1) rows
    for (let j = 1; j <= o; j++) bf(x + j * row, x + (n - j) * row, e + j * row, d + (j - 1) * row, L);
    view(k, dtype, e, L).set(view(k, dtype, x, L));
    if (2 * h === n) view(k, dtype, e + h * row, L).set(view(k, dtype, x + h * row, L));
    k.gemm({ dtype, m, n: L, k: h + 1, a: t.c, b: e, c: out, ldc: 2 * L });
    if (o) k.gemm({ dtype, m, n: L, k: o, a: t.s, b: d, c: out + row, ldc: 2 * L });
    else for (let r = 0; r < m; r++) view(k, dtype, out + (2 * r + 1) * row, L).fill(0);
  };
}

/** irdft_modes folded: A = C^T re into out's rows 0..h, B = S^T im into the scratch, then the rows' sums and differences. */
export function irdftFold(k: WasmKernels, s: DftShape): Kernel {
  const { n, m, L, weighted, dtype } = s;
  const { h, o } = half(n);
  const row = L * BYTES[dtype];
  const bf = sumDiff(k, dtype);
  return (X, out) => {
    const t = foldTablesIn(k, n, m, weighted, dtype);
    const b = foldWorkIn(k, s);
    k.gemm({ dtype, transA: true, m: h + 1, n: L, k: m, a: t.c, b: X, ldb: 2 * L, c: out });
    if (!o) return;
    k.gemm({ dtype, transA: true, m: o, n: L, k: m, a: t.s, b: X + row, ldb: 2 * L, c: b });
    for (let j = 1; j <= o; j++) bf(out + j * row, b + (j - 1) * row, out + j * row, out + (n - j) * row, L);
  };
}
