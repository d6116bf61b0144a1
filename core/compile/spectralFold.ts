// The truncated real DFTs of core/compile/spectralStep.ts as GEMMs folded by the symmetries of their tables, so
// that they multiply about a quarter of the rows (about a half where n is not a multiple of 4).
//
// With C[k, j] = s_k cos(2 pi jk/n) and S[k, j] = -s_k sin(2 pi jk/n) (s_k the bin's scale), h = floor(n/2):
//   C[k, n-j] = C[k, j] and S[k, n-j] = -S[k, j], so with e_j = x_j + x_{n-j} and d_j = x_j - x_{n-j} (0 < j < n-j;
//   e_0 = x_0 and, for even n, e_h = x_h): re_k = sum_{j<=h} C[k, j] e_j, im_k = sum_{0<j<n-j} S[k, j] d_j.
// Where 4 divides n (Q = n/4), also C[k, h-j] = (-1)^k C[k, j] and S[k, h-j] = -(-1)^k S[k, j], and C[k, Q] = 0 for odd
// k, S[k, Q] = 0 for even k, so even and odd bins read sums and differences of e_j, e_{h-j} (and of d_j, d_{h-j}):
//   re_k (k even) = sum_{j<=Q} C[k, j] EE_j,  EE_j = e_j + e_{h-j} (j < Q), EE_Q = e_Q
//   re_k (k odd)  = sum_{j<Q}  C[k, j] EO_j,  EO_j = e_j - e_{h-j}
//   im_k (k even) = sum_{0<j<Q} S[k, j] DE_j, DE_j = d_j - d_{h-j}
//   im_k (k odd)  = sum_{0<j<=Q} S[k, j] DO_j, DO_j = d_j + d_{h-j} (j < Q), DO_Q = d_Q
// Each block of bins is one GEMM of its table's columns with the folded rows, written by one pass of row sums and
// differences (WasmKernels.butterfly4 where 4 divides n, split across the threads; else the add/sub kernels row by
// row); irdft_modes is the transpose: the blocks' transposed GEMMs, then the same pass backwards.
import type { RowWalk, WasmKernels } from '../wasm/kernels.js';
import { dftTables } from '../kernels/spectral.js';
import type { DftShape } from './spectralStep.js';

type Float = 'f32' | 'f64';
const BYTES: Record<Float, number> = { f32: 4, f64: 8 };

/** The bins k = k0, k0 + step, ... < m of one part (0: re / cos, 1: im / sin) against folded rows j0 .. j0+rows-1. */
interface Block {
  part: 0 | 1;
  k0: number;
  step: 1 | 2;
  j0: number;
  rows: number;
  /** the block's first folded row in the scratch */
  at: number;
}

/** The blocks of a length-n transform: two (re, im) or, where 4 divides n, four (re/im x even/odd bins). */
function blocksFor(n: number): Block[] {
  if (n % 4) {
    const h = n >> 1;
    return [
      { part: 0, k0: 0, step: 1, j0: 0, rows: h + 1, at: 0 },
      { part: 1, k0: 0, step: 1, j0: 1, rows: (n - 1) >> 1, at: h + 1 },
    ];
  }
  const q = n / 4;
  return [
    { part: 0, k0: 0, step: 2, j0: 0, rows: q + 1, at: 0 }, // EE
    { part: 0, k0: 1, step: 2, j0: 0, rows: q, at: q + 1 }, // EO
    { part: 1, k0: 0, step: 2, j0: 1, rows: q - 1, at: 2 * q + 1 }, // DE
    { part: 1, k0: 1, step: 2, j0: 1, rows: q, at: 3 * q }, // DO
  ];
}

const binsOf = (b: Block, m: number): number => (m > b.k0 ? Math.ceil((m - b.k0) / b.step) : 0);

function view(k: WasmKernels, dtype: Float, ptr: number, n: number): Float32Array | Float64Array {
  return dtype === 'f32' ? k.f32view(ptr, n) : k.f64view(ptr, n);
}

/** Each block's table [bins, rows] in wasm memory, per kernel instance and shape (they live as long as the module). */
const tables = new WeakMap<WasmKernels, Map<string, number[]>>();
function tablesIn(k: WasmKernels, { n, m, weighted, dtype }: DftShape, blocks: readonly Block[]): number[] {
  let cache = tables.get(k);
  if (!cache) tables.set(k, (cache = new Map()));
  const key = `${n}:${m}:${weighted}:${dtype}`;
  let ptrs = cache.get(key);
  if (!ptrs) {
    const { cos, sin } = dftTables(n, m, weighted);
    ptrs = blocks.map((b) => {
      const bins = binsOf(b, m);
      const ptr = k.alloc(Math.max(1, bins * b.rows) * BYTES[dtype]);
      const v = view(k, dtype, ptr, bins * b.rows);
      const src = b.part ? sin : cos;
      for (let r = 0; r < bins; r++) {
        const kk = b.k0 + r * b.step;
        v.set(src.subarray(kk * n + b.j0, kk * n + b.j0 + b.rows), r * b.rows);
      }
      return ptr;
    });
    cache.set(key, ptrs);
  }
  return ptrs;
}

/** Scratch of n rows of L values (the folded rows), shared by every step of a shape. */
const work = new WeakMap<WasmKernels, Map<string, number>>();
const workKey = ({ n, L, dtype }: DftShape): string => `${n}:${L}:${dtype}`;
function workIn(k: WasmKernels, s: DftShape): number {
  let cache = work.get(k);
  if (!cache) work.set(k, (cache = new Map()));
  let ptr = cache.get(workKey(s));
  if (ptr === undefined) cache.set(workKey(s), (ptr = k.alloc(s.n * s.L * BYTES[s.dtype])));
  return ptr;
}
/** Frees the scratch of a shape whose steps took another path. */
export function releaseFoldWork(k: WasmKernels, s: DftShape): void {
  const cache = work.get(k);
  const ptr = cache?.get(workKey(s));
  if (ptr === undefined) return;
  k.free(ptr);
  cache?.delete(workKey(s));
}

/** Whether the loaded kernels have the pass this shape's fold needs (a build from before it lacks butterfly4). */
export function foldBuilt(k: WasmKernels, { n, dtype }: DftShape): boolean {
  return n % 4 !== 0 || typeof k.raw[`butterfly4_${dtype}`] === 'function';
}

/** sum = a + b and diff = a - b over one row (byte pointers); sum may be a. */
type SumDiff = (a: number, b: number, sum: number, diff: number) => void;
function sumDiff(k: WasmKernels, { L, dtype }: DftShape): SumDiff {
  const add = k.raw[`add_${dtype}`];
  const sub = k.raw[`sub_${dtype}`];
  return (a, b, sum, diff) => {
    sub(a, b, diff, L);
    add(a, b, sum, L);
  };
}

/**
 * The pass between the rows of x (row j at x + j * row) and the folded rows (`f`): forward writes the folded rows
 * from x, backward (its transpose) writes x from the folded rows.
 */
function foldPass(k: WasmKernels, s: DftShape, forward: boolean): (x: number, f: number) => void {
  const { n } = s;
  const row = s.L * BYTES[s.dtype];
  const bf = sumDiff(k, s);
  const copy = (from: number, to: number): void => {
    new Uint8Array(k.memory.buffer).copyWithin(to, from, from + row);
  };
  const h = n >> 1;
  if (n % 4) {
    return (x, f) => {
      const [X, E, D] = [(j: number) => x + j * row, (j: number) => f + j * row, (j: number) => f + (h + j) * row];
      for (let j = 1; j < n - j; j++) forward ? bf(X(j), X(n - j), E(j), D(j)) : bf(E(j), D(j), X(j), X(n - j));
      forward ? copy(X(0), E(0)) : copy(E(0), X(0));
      if (2 * h === n) forward ? copy(X(h), E(h)) : copy(E(h), X(h));
    };
  }
  const q = n / 4;
  return (x, f) => {
    const X = (j: number) => x + j * row;
    const [EE, EO, DE, DO] = [0, q + 1, 2 * q, 3 * q - 1].map((at) => (j: number) => f + (at + j) * row);
    // groups j = 1 .. q-1: rows x_j, x_{n-j}, x_{h-j}, x_{h+j} <-> EE_j, EO_j, DO_j, DE_j (x_{n-j}, x_{h-j} walk down)
    const xs: RowWalk[] = [
      [X(1), row],
      [X(n - 1), -row],
      [X(h - 1), -row],
      [X(h + 1), row],
    ];
    const fs: RowWalk[] = [EE(1), EO(1), DO(1), DE(1)].map((p) => [p, row] as const);
    if (forward) {
      bf(X(0), X(h), EE(0), EO(0));
      bf(X(q), X(3 * q), EE(q), DO(q));
      k.butterfly4(s.dtype, xs, fs, q - 1, s.L);
    } else {
      bf(EE(0), EO(0), X(0), X(h));
      bf(EE(q), DO(q), X(q), X(3 * q));
      k.butterfly4(s.dtype, fs, xs, q - 1, s.L);
    }
  };
}

/**
 * rdft_modes (`forward`): x [n, L] -> the folded rows, then per block out's rows 2k + part = table @ its folded rows.
 * irdft_modes: per block its folded rows = table^T @ X's rows of its bins, then the pass backwards into out.
 */
function foldKernel(k: WasmKernels, s: DftShape, forward: boolean): (x: number, out: number) => void {
  const { n, m, L, dtype } = s;
  const row = L * BYTES[dtype];
  const blocks = blocksFor(n);
  const pass = foldPass(k, s, forward);
  return (x, out) => {
    const tabs = tablesIn(k, s, blocks);
    const f = workIn(k, s);
    if (forward) pass(x, f);
    blocks.forEach((b, i) => {
      const bins = binsOf(b, m);
      // the block's bins in the spectrum [m, 2, L] (x's for the inverse, out's for the forward transform)
      const spec = (forward ? out : x) + (2 * b.k0 + b.part) * row;
      const ld = 2 * b.step * L;
      const rows = f + b.at * row;
      if (forward && bins) {
        if (b.rows) k.gemm({ dtype, m: bins, n: L, k: b.rows, a: tabs[i], b: rows, c: spec, ldc: ld });
        else for (let r = 0; r < bins; r++) view(k, dtype, spec + r * ld * BYTES[dtype], L).fill(0);
      } else if (!forward && b.rows) {
        if (bins) k.gemm({ dtype, transA: true, m: b.rows, n: L, k: bins, a: tabs[i], b: spec, ldb: ld, c: rows });
        else view(k, dtype, rows, b.rows * L).fill(0);
      }
    });
    if (!forward) pass(out, f);
  };
}

export const rdftFold = (k: WasmKernels, s: DftShape): ((x: number, out: number) => void) => foldKernel(k, s, true);
export const irdftFold = (k: WasmKernels, s: DftShape): ((X: number, out: number) => void) => foldKernel(k, s, false);
