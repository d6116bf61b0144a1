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

/**
 * The blocks of a length-n transform with m bins: two (re, im) or, where 4 divides n, four (re/im x even/odd bins).
 * With four blocks and m even every block has m/2 bins, so they run as one batched GEMM (one call, split across the
 * threads by blocks): each block then takes `width` = n/4 + 1 rows of the scratch, the rows past its own zero, and its
 * table is zero-padded to that width; `width` 0: a GEMM per block.
 */
function layoutFor(n: number, m: number): { blocks: Block[]; width: number; scratchRows: number } {
  if (n % 4) {
    const h = n >> 1;
    const blocks: Block[] = [
      { part: 0, k0: 0, step: 1, j0: 0, rows: h + 1, at: 0 },
      { part: 1, k0: 0, step: 1, j0: 1, rows: (n - 1) >> 1, at: h + 1 },
    ];
    return { blocks, width: 0, scratchRows: n };
  }
  const q = n / 4;
  if (m % 2) {
    const blocks: Block[] = [
      { part: 0, k0: 0, step: 2, j0: 0, rows: q + 1, at: 0 }, // EE
      { part: 0, k0: 1, step: 2, j0: 0, rows: q, at: q + 1 }, // EO
      { part: 1, k0: 0, step: 2, j0: 1, rows: q - 1, at: 2 * q + 1 }, // DE
      { part: 1, k0: 1, step: 2, j0: 1, rows: q, at: 3 * q }, // DO
    ];
    return { blocks, width: 0, scratchRows: n };
  }
  // in the order of their bins' rows in the spectrum [m, 2, L] (k even re, k even im, k odd re, k odd im): one row apart
  const blocks: Block[] = [
    { part: 0, k0: 0, step: 2, j0: 0, rows: q + 1, at: 0 }, // EE
    { part: 1, k0: 0, step: 2, j0: 1, rows: q - 1, at: q + 1 }, // DE
    { part: 0, k0: 1, step: 2, j0: 0, rows: q, at: 2 * (q + 1) }, // EO
    { part: 1, k0: 1, step: 2, j0: 1, rows: q, at: 3 * (q + 1) }, // DO
  ];
  return { blocks, width: q + 1, scratchRows: 4 * (q + 1) };
}

const binsOf = (b: Block, m: number): number => (m > b.k0 ? Math.ceil((m - b.k0) / b.step) : 0);

function view(k: WasmKernels, dtype: Float, ptr: number, n: number): Float32Array | Float64Array {
  return dtype === 'f32' ? k.f32view(ptr, n) : k.f64view(ptr, n);
}

/**
 * Each block's table [bins, max(rows, width)] in wasm memory (zero past its rows), per kernel instance and shape (they
 * live as long as the module); with a width, one allocation, block after block.
 */
const tables = new WeakMap<WasmKernels, Map<string, number[]>>();
function tablesIn(k: WasmKernels, { n, m, weighted, dtype }: DftShape): number[] {
  let cache = tables.get(k);
  if (!cache) tables.set(k, (cache = new Map()));
  const key = `${n}:${m}:${weighted}:${dtype}`;
  let ptrs = cache.get(key);
  if (!ptrs) {
    const { cos, sin } = dftTables(n, m, weighted);
    const { blocks, width } = layoutFor(n, m);
    const sizes = blocks.map((b) => binsOf(b, m) * Math.max(b.rows, width));
    const base = k.alloc(
      Math.max(
        1,
        sizes.reduce((a, b) => a + b, 0),
      ) * BYTES[dtype],
    );
    let at = base;
    ptrs = blocks.map((b, i) => {
      const cols = Math.max(b.rows, width);
      const v = view(k, dtype, at, sizes[i]);
      v.fill(0);
      const src = b.part ? sin : cos;
      for (let r = 0; r < binsOf(b, m); r++) {
        const kk = b.k0 + r * b.step;
        v.set(src.subarray(kk * n + b.j0, kk * n + b.j0 + b.rows), r * cols);
      }
      const ptr = at;
      at += sizes[i] * BYTES[dtype];
      return ptr;
    });
    cache.set(key, ptrs);
  }
  return ptrs;
}

/** Scratch of n + 4 rows of L values (the folded rows, padded), shared by every step of a shape. */
const work = new WeakMap<WasmKernels, Map<string, number>>();
const workKey = ({ n, L, dtype }: DftShape): string => `${n}:${L}:${dtype}`;
function workIn(k: WasmKernels, s: DftShape): number {
  let cache = work.get(k);
  if (!cache) work.set(k, (cache = new Map()));
  let ptr = cache.get(workKey(s));
  if (ptr === undefined) cache.set(workKey(s), (ptr = k.alloc((s.n + 4) * s.L * BYTES[s.dtype])));
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
  const { blocks } = layoutFor(n, s.m);
  // folded row j of a block: its row j - j0
  const [EE, EO, DE, DO] = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].map(([part, k0]) => blocks.find((b) => b.part === part && b.k0 === k0) as Block);
  return (x, f) => {
    const X = (j: number) => x + j * row;
    const F = (b: Block, j: number) => f + (b.at + j - b.j0) * row;
    // groups j = 1 .. q-1: rows x_j, x_{n-j}, x_{h-j}, x_{h+j} <-> EE_j, EO_j, DO_j, DE_j (x_{n-j}, x_{h-j} walk down)
    const xs: RowWalk[] = [
      [X(1), row],
      [X(n - 1), -row],
      [X(h - 1), -row],
      [X(h + 1), row],
    ];
    const fs: RowWalk[] = [F(EE, 1), F(EO, 1), F(DO, 1), F(DE, 1)].map((p) => [p, row] as const);
    if (forward) {
      bf(X(0), X(h), F(EE, 0), F(EO, 0));
      bf(X(q), X(3 * q), F(EE, q), F(DO, q));
      k.butterfly4(s.dtype, xs, fs, q - 1, s.L);
    } else {
      bf(F(EE, 0), F(EO, 0), X(0), X(h));
      bf(F(EE, q), F(DO, q), X(q), X(3 * q));
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
  const { blocks, width } = layoutFor(n, m);
  const pass = foldPass(k, s, forward);
  /** One GEMM per block: its table against its folded rows and its bins' rows of the spectrum. */
  const perBlock = (tabs: number[], f: number, x: number, out: number): void =>
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
  /** The four blocks as one batched GEMM (m even, 4 | n): block i's bins are spectrum rows i, i + 4, ... */
  const batched = (tabs: number[], f: number, x: number, out: number): void => {
    const bins = m / 2;
    const tables = { a: tabs[0], strideA: bins * width, batch: 4 };
    if (forward) {
      // the rows past each block's own are read against zero columns: zero them (an inverse may have left NaN there)
      for (const b of blocks) if (b.rows < width) view(k, dtype, f + (b.at + b.rows) * row, (width - b.rows) * L).fill(0);
      k.gemm({ dtype, m: bins, n: L, k: width, ...tables, b: f, strideB: width * L, c: out, ldc: 4 * L, strideC: L });
    } else {
      k.gemm({ dtype, transA: true, m: width, n: L, k: bins, ...tables, b: x, ldb: 4 * L, strideB: L, c: f, strideC: width * L });
    }
  };
  return (x, out) => {
    const tabs = tablesIn(k, s);
    const f = workIn(k, s);
    if (forward) pass(x, f);
    (width ? batched : perBlock)(tabs, f, x, out);
    if (!forward) pass(out, f);
  };
}

export const rdftFold = (k: WasmKernels, s: DftShape): ((x: number, out: number) => void) => foldKernel(k, s, true);
export const irdftFold = (k: WasmKernels, s: DftShape): ((X: number, out: number) => void) => foldKernel(k, s, false);
