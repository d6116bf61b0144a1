// Compiled (wasm backend) steps of the truncated real DFTs of the spectral layers (core/prims/spectral.ts),
// along the leading axis of [n, L]: one GEMM against a [2m, n] table of cos / -sin rows (4 n m flops per column,
// at GEMM speed); the same GEMM folded by the tables' symmetry (cos even, sin odd about j = n/2: half the flops,
// plus a pass of row sums and differences); or FFTs across all columns (core/kernels/fftColumns.ts: ~2.5 n log2 n
// flops per column, at plain-JS speed). Which is cheapest depends on n, m, L and the machine, so the first compile
// of a shape times each on scratch buffers and keeps the fastest for the process (a measured choice, not a model).
import type { WasmKernels } from '../wasm/kernels.js';
import { dftTables } from '../kernels/spectral.js';
import { rdftModesFft, irdftModesFft, releaseFftWork } from '../kernels/fftColumns.js';
import { foldBuilt, irdftFold, rdftFold, releaseFoldWork } from './spectralFold.js';

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
      // a kernels build older than the fold's pass kernel (npm run build:wasm not rerun) leaves that path out
      const paths = SPECTRAL_PATHS.filter((p) => p !== 'fold' || foldBuilt(k, s));
      for (const p of paths) kernels[p](x, out); // untimed: builds the tables / the FFT plan and work arrays
      // the minimum of interleaved calls (a shared machine preempts single calls by milliseconds): two rounds of
      // every path, then a path 2x slower than the best is dropped and the close ones get three more rounds
      const ms = new Map(paths.map((p) => [p, Infinity]));
      const rounds = (r: number) => {
        for (; r > 0; r--) for (const [p, t] of ms) ms.set(p, Math.min(t, once(kernels[p])));
      };
      rounds(2);
      const best = Math.min(...ms.values());
      for (const [p, t] of ms) if (t >= 2 * best) ms.delete(p);
      if (ms.size > 1) rounds(3);
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

/** The measured choices so far, by `direction:n:m:L:weighted:dtype` (for benchmarks to report). */
export function spectralChoices(k: WasmKernels): ReadonlyMap<string, SpectralPath> {
  return chosen.get(k) ?? new Map();
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
