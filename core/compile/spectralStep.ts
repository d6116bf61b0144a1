// Compiled (wasm backend) steps of the truncated real DFTs of the spectral layers (core/prims/spectral.ts):
// along the leading axis each is one GEMM against a [2m, n] table of cos / -sin rows.
import type { WasmKernels } from '../wasm/kernels.js';
import { dftTables } from '../kernels/spectral.js';

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

/** rdft_modes: x [n, L] -> [2m, L] = table [2m, n] @ x. */
export function rdftGemm(k: WasmKernels, { n, m, L, weighted, dtype }: DftShape): (x: number, out: number) => void {
  return (x, out) => k.gemm({ dtype, m: 2 * m, n: L, k: n, a: tableIn(k, n, m, weighted, dtype), b: x, c: out });
}

/** irdft_modes: X [2m, L] -> [n, L] = table^T [n, 2m] @ X. */
export function irdftGemm(k: WasmKernels, { n, m, L, weighted, dtype }: DftShape): (x: number, out: number) => void {
  return (x, out) => k.gemm({ dtype, transA: true, m: n, n: L, k: 2 * m, a: tableIn(k, n, m, weighted, dtype), b: x, c: out });
}
