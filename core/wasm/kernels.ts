// Typed loader and pointer-level API for the AssemblyScript SIMD kernels. All pointers are byte
// offsets into one shared WebAssembly.Memory managed by a JS-side free-list heap.
import { WasmHeap } from './allocator.js';
import { HelperThread, type GemmKind, type SharedLoops } from './helperThread.js';
import { compileVariant, relaxedSimdAvailable, type Variant } from './module.js';

export type Dtype = 'f32' | 'f64';
export type UnaryOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sin' | 'cos' | 'sqrt';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max';
export type ReduceOp = 'sum' | 'max';

export const UNARY_OPS: readonly UnaryOp[] = ['neg', 'exp', 'log', 'tanh', 'sin', 'cos', 'sqrt'];
export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max'];
export const F64_UNARY_OPS: readonly UnaryOp[] = ['neg', 'sqrt'];

/** Raw exports of the kernel module (see core/wasm/assembly/index.ts). */
interface RawKernels {
  gemm_f32(...args: number[]): void;
  gemm_f64(...args: number[]): void;
  gemm_work_bytes(): number;
  gather_f32(x: number, idx: number, out: number, outer: number, n: number, inner: number, m: number): number;
  gather_f64(x: number, idx: number, out: number, outer: number, n: number, inner: number, m: number): number;
  scatter_add_f32(y: number, idx: number, out: number, outer: number, n: number, inner: number, m: number): number;
  scatter_add_f64(y: number, idx: number, out: number, outer: number, n: number, inner: number, m: number): number;
  [name: string]: (...args: number[]) => unknown;
}

/** A row walked by a strided pass: [byte pointer of its first row, byte stride from one group to the next]. */
export type RowWalk = readonly [number, number];

/** C = op(A) op(B) (+ C when accumulate), row-major; pointers are byte offsets, strides in elements. */
export interface GemmArgs {
  dtype?: Dtype;
  transA?: boolean;
  transB?: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  b: number;
  c: number;
  /** Leading dimensions; default to the packed row length of A, B, C as stored. */
  lda?: number;
  ldb?: number;
  ldc?: number;
  /** Batched GEMM: `batch` problems, the q-th at a + q*strideA etc. (default: packed). */
  batch?: number;
  strideA?: number;
  strideB?: number;
  strideC?: number;
  accumulate?: boolean;
}

export interface StridedBinaryArgs {
  dtype?: Dtype;
  a: number;
  /** Element strides of a along (outer, inner); 0 broadcasts. */
  aStrides: readonly [number, number];
  b: number;
  bStrides: readonly [number, number];
  /** Contiguous output [outer, inner]. */
  out: number;
  outer: number;
  inner: number;
}

export interface LoadOptions {
  /** 'auto' (default): relaxed SIMD (FMA) when the runtime can run it, else baseline SIMD; true: require it; false: baseline. */
  relaxed?: 'auto' | boolean;
  /**
   * Allow V8's --experimental-wasm-relaxed-simd while compiling (Node 20 needs it; it is cleared again
   * afterwards). Default true unless env FLUXION_WASM_RELAXED=0.
   */
  enableRelaxedFlag?: boolean;
  /** Milliseconds the main thread waits for a helper-thread GEMM before giving up, plus 1 ms per MFLOP (default 10000). */
  threadTimeoutMs?: number;
}

/** Micro-tile of core/wasm/assembly/gemm.ts: row splits fall on whole tiles. */
const MR = { f32: 6, f64: 4 } as const;
const NR = { f32: 8, f64: 4 } as const;
const BYTES = { f32: 4, f64: 8 } as const;
/** Below this many flops a second thread costs more (wake-up, duplicate B packing) than it saves; see bench/gemm.ts. */
export const DEFAULT_THREAD_MIN_FLOPS = 1 << 20;
/** Elementwise passes writing at least this many bytes run half on each thread (see bench/profile.ts). */
export const DEFAULT_SPLIT_MIN_BYTES = 1 << 18;
/**
 * Elementwise passes split across the threads run in chunks of this many bytes that each thread claims as it gets
 * to them (64 KiB: a few microseconds each, a few dozen chunks in a pass of 4 MB).
 */
export const CLAIM_CHUNK_BYTES = 1 << 16;
/** Particles from which bsplineGradPos2 splits its loop in two (over two threads when there are two). */
export const BSPLINE_SPLIT = 1024;

export class WasmKernels {
  readonly memory: WebAssembly.Memory;
  readonly heap: WasmHeap;
  readonly raw: RawKernels;
  private readonly work: number;
  private readonly workBytes: number;
  /** The i32 from which both threads claim row blocks of a shared GEMM (gemm_f32_claim). */
  private readonly claimCounter: number;
  private helper: HelperThread | null = null;
  private helperWork = 0;
  /** 2: a pass big enough to split starts the helper if it is not running (allowThreads). */
  private allowed: 1 | 2 = 1;
  /** GEMMs with at least this many flops (2mnk per batch item) are split across two threads. */
  threadMinFlops = DEFAULT_THREAD_MIN_FLOPS;
  /**
   * When the main thread has finished its half of a split GEMM before the helper has started the other,
   * it runs that half itself (same code, same bits): on a machine whose cores are taken by other jobs the
   * helper may not be scheduled for milliseconds. false: always wait for the helper.
   */
  takeBack = true;
  /** Elementwise passes (fused loops, unary kernels) writing at least this many bytes are split across two threads. */
  splitMinBytes = DEFAULT_SPLIT_MIN_BYTES;
  /**
   * GEMM calls so far, how many were split across two threads, and of those how many halves the main thread took
   * back; of the split GEMMs, those whose row blocks the threads claimed as they went (gemmClaimed); elementwise
   * passes split across two threads (whose taken-back halves count in takenBack too).
   */
  readonly counters = { gemm: 0, gemmThreaded: 0, gemmClaimed: 0, takenBack: 0, elementwiseThreaded: 0 };
  private nextLoopsId = 1;

  constructor(
    readonly module: WebAssembly.Module,
    readonly variant: Variant,
    private readonly threadTimeoutMs = 10_000,
  ) {
    this.memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, sin: Math.sin, cos: Math.cos } });
    this.raw = instance.exports as unknown as RawKernels;
    this.heap = new WasmHeap(this.memory);
    this.workBytes = this.raw.gemm_work_bytes();
    this.work = this.heap.alloc(this.workBytes);
    this.claimCounter = this.heap.alloc(4);
  }

  get relaxed(): boolean {
    return this.variant === 'relaxed';
  }

  // ---- memory ----
  alloc(bytes: number): number {
    return this.heap.alloc(bytes);
  }
  free(ptr: number): void {
    this.heap.free(ptr);
  }
  /** Views are cheap; re-get them after any allocation (growth replaces memory.buffer; old views keep their old length). */
  f32view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }
  f64view(ptr: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, n);
  }
  i32view(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  // ---- threads ----
  get threads(): 1 | 2 {
    return this.helper ? 2 : 1;
  }

  /**
   * 2: GEMMs of at least threadMinFlops and elementwise passes of at least splitMinBytes run on two threads, the
   * helper worker starting at the first of them (its GEMM scratch is reserved now, so nothing is allocated mid-GEMM);
   * 1 stops the helper. Unlike setThreads(2), a process whose work is all small never pays for the worker (its start,
   * its spinning between jobs).
   */
  allowThreads(count: 1 | 2): void {
    if (count !== 1 && count !== 2) throw new Error(`allowThreads: count must be 1 or 2, got ${String(count)}`);
    this.allowed = count;
    if (count === 1) this.stopHelper();
    else if (!this.helperWork) this.helperWork = this.heap.alloc(this.workBytes);
  }

  /** 2 starts one helper worker (blocking until it is ready); 1 stops it. */
  setThreads(count: 1 | 2): void {
    if (count !== 1 && count !== 2) throw new Error(`setThreads: count must be 1 or 2, got ${String(count)}`);
    this.allowThreads(count);
    if (count === 2 && !this.helper) this.startHelper();
  }

  dispose(): void {
    this.stopHelper();
  }

  // ---- fused loops of compiled graphs (core/compile/wasmgen.ts) ----
  /** Names a compiled loop module so the helper thread can run its loops too. */
  shareLoops(module: WebAssembly.Module): SharedLoops {
    return { id: this.nextLoopsId++, module };
  }

  /** The helper may drop its copy of these loops (their graph is disposed). */
  forgetLoops(loops: SharedLoops): void {
    this.helper?.forgetLoops(loops.id);
  }

  /**
   * Runs `fn` (loop `index` of `loops`) over the byte range [0, end): large ranges run on both threads, in chunks
   * (whole cache lines) that each claims as it gets to them. Each element is computed by the same code either
   * way, so the results are the same bits.
   */
  runLoop(loops: SharedLoops, index: number, fn: (start: number, end: number) => void, end: number): void {
    if (end < this.splitMinBytes || end < 128 || !this.twoThreads()) {
      fn(0, end);
      return;
    }
    this.runClaimed('fused loop', (h) => h.postLoopClaimed(loops, index, CLAIM_CHUNK_BYTES, end), fn, end);
  }

  /**
   * Runs a pass over [0, end) bytes on both threads: `post` hands the helper a claimed job over the same chunks,
   * this thread claims chunks too; a share the helper never started has nothing left once this thread is done.
   */
  private runClaimed(what: string, post: (h: HelperThread) => void, run: (start: number, end: number) => void, end: number): void {
    const helper = this.helper as HelperThread;
    this.counters.elementwiseThreaded++;
    this.runOnBoth(
      what,
      post,
      () => helper.claim(CLAIM_CHUNK_BYTES, end, run),
      () => {},
      end / 1e6,
    );
  }

  private startHelper(): void {
    try {
      this.helper = new HelperThread(this.module, this.memory);
    } catch (e) {
      this.stopHelper();
      throw e;
    }
  }

  private stopHelper(failed = false): void {
    this.allowed = 1;
    this.helper?.close();
    this.helper = null;
    // A timed-out worker may still be writing its scratch until terminate() lands: never reuse it then.
    if (!failed && this.helperWork) this.heap.free(this.helperWork);
    this.helperWork = 0;
  }

  // ---- GEMM ----
  gemm(g: GemmArgs): void {
    const dtype = checkDtype('gemm', g.dtype ?? 'f32');
    const { m, n, k } = g;
    for (const [name, v] of [
      ['m', m],
      ['n', n],
      ['k', k],
    ] as const)
      checkCount(`gemm: ${name}`, v);
    const ta = !!g.transA,
      tb = !!g.transB;
    const lda = g.lda ?? Math.max(1, ta ? m : k),
      ldb = g.ldb ?? Math.max(1, tb ? k : n),
      ldc = g.ldc ?? Math.max(1, n);
    checkLd('gemm: lda', lda, ta ? m : k);
    checkLd('gemm: ldb', ldb, tb ? k : n);
    checkLd('gemm: ldc', ldc, n);
    const batch = g.batch ?? 1;
    checkCount('gemm: batch', batch);
    const sa = g.strideA ?? m * k,
      sb = g.strideB ?? k * n,
      sc = g.strideC ?? m * n;
    for (const [name, v] of [
      ['strideA', sa],
      ['strideB', sb],
      ['strideC', sc],
    ] as const)
      checkCount(`gemm: ${name}`, v);
    const bytes = BYTES[dtype];
    const [ar, ac] = ta ? [k, m] : [m, k],
      [br, bc] = tb ? [n, k] : [k, n];
    this.checkSpan('gemm: a', g.a, matrixExtent(batch, sa, ar, ac, lda) * bytes);
    this.checkSpan('gemm: b', g.b, matrixExtent(batch, sb, br, bc, ldb) * bytes);
    this.checkSpan('gemm: c', g.c, matrixExtent(batch, sc, m, n, ldc) * bytes);
    if (m === 0 || n === 0 || batch === 0) return;
    this.counters.gemm++;
    const beta = g.accumulate ? 1 : 0;
    const args = [ta ? 1 : 0, tb ? 1 : 0, m, n, k, g.a, lda, sa, g.b, ldb, sb, g.c, ldc, sc, batch, beta];
    const flops = 2 * m * n * k * batch;
    const k0 = batch === 1 && ldc === n ? splitK(m, n, k) : 0;
    if (k0) {
      this.gemmSplitK(dtype, args, k0, flops);
      return;
    }
    if (dtype === 'f32' && batch === 1 && flops >= this.threadMinFlops && this.claimable(ta, m, n, k) && this.twoThreads()) {
      this.counters.gemmThreaded++;
      this.counters.gemmClaimed++;
      this.gemmClaimed(args, flops);
      return;
    }
    const split = flops >= this.threadMinFlops && this.twoThreads() ? splitGemm(dtype, args) : null;
    if (!split) {
      this.callGemm(dtype, args, this.work);
      return;
    }
    this.counters.gemmThreaded++;
    this.runSplit(dtype, split[0], split[1], flops);
  }

  /**
   * C (+)= A[:, :k0] B[:k0, :] into C and A[:, k0:] B[k0:, :] into a scratch block, then C += scratch. The
   * halves run on the two threads when there are two, one after the other otherwise: the same sums either way.
   */
  private gemmSplitK(dtype: Dtype, args: number[], k0: number, flops: number): void {
    const [ta, tb, m, n, k, a, lda, , b, ldb] = args;
    const bytes = BYTES[dtype];
    const scratch = this.heap.alloc(m * n * bytes);
    try {
      const first = args.slice(),
        second = args.slice();
      first[4] = k0;
      second[4] = k - k0;
      second[5] = a + (ta ? k0 * lda : k0) * bytes;
      second[8] = b + (tb ? k0 : k0 * ldb) * bytes;
      second[11] = scratch;
      second[12] = n;
      second[15] = 0;
      if (flops >= this.threadMinFlops && this.twoThreads()) {
        this.counters.gemmThreaded++;
        this.runSplit(dtype, first, second, flops);
      } else {
        this.callGemm(dtype, first, this.work);
        this.callGemm(dtype, second, this.work);
      }
      this.raw[`add_${dtype}`](args[11], scratch, args[11], m * n);
    } finally {
      this.heap.free(scratch);
    }
  }

  private claimable(ta: boolean, m: number, n: number, k: number): boolean {
    // absent from builds before row claiming (bench/kernelAB.ts may load one as its baseline): fixed halves there
    const claimable = this.raw.gemm_claimable as ((ta: number, m: number, n: number, k: number) => number) | undefined;
    return !!claimable?.(ta ? 1 : 0, m, n, k);
  }

  /**
   * Both threads claim row blocks of one GEMM until none is left, instead of taking fixed halves: when the other
   * jobs on the machine slow one thread down, the other takes more of the rows. Bits as gemm_f32's.
   */
  private gemmClaimed(args: number[], flops: number): void {
    const claim = this.raw.gemm_f32_claim as (...a: number[]) => void;
    // args without the batch strides and count: gemm_f32_claim takes one product
    const [ta, tb, m, n, k, a, lda, , b, ldb, , c, ldc, , , beta] = args;
    const one = [ta, tb, m, n, k, a, lda, b, ldb, c, ldc, beta];
    Atomics.store(new Int32Array(this.memory.buffer, this.claimCounter, 1), 0, 0);
    this.runOnBoth(
      `GEMM of ${flops} flops`,
      (h) => h.postExport('gemm_f32_claim', [...one, this.helperWork, this.claimCounter]),
      () => claim(...one, this.work, this.claimCounter),
      () => {}, // a share not started has nothing left: this thread claimed every block
      flops / 1e6,
    );
  }

  /** Whether a pass big enough to split runs on two threads; starts the helper for the first one when two are allowed. */
  private twoThreads(): boolean {
    if (!this.helper && this.allowed === 2) this.startHelper();
    return this.helper !== null;
  }

  private callGemm(dtype: Dtype, args: number[], work: number): void {
    (dtype === 'f32' ? this.raw.gemm_f32 : this.raw.gemm_f64)(...args, work);
  }

  private runSplit(dtype: GemmKind, mine: number[], theirs: number[], flops: number): void {
    this.runOnBoth(
      `GEMM of ${flops} flops`,
      (h) => h.post(dtype, [...theirs, this.helperWork]),
      () => this.callGemm(dtype, mine, this.work),
      () => this.callGemm(dtype, theirs, this.work),
      flops / 1e6,
    );
  }

  /**
   * Posts the helper's share, runs ours, then takes the helper's share back if it has not started (the worker
   * may not be scheduled for milliseconds on a busy machine) or waits for it; a share still not started after
   * threadTimeoutMs plus `extraMs` is taken back and run here. A started share is always waited for, even when ours
   * fails, so no buffer is reused mid-write.
   */
  private runOnBoth(what: string, post: (h: HelperThread) => void, mine: () => void, theirs: () => void, extraMs: number): void {
    const helper = this.helper as HelperThread;
    post(helper);
    let ownFailure: unknown = null;
    try {
      mine();
    } catch (e) {
      ownFailure = e;
    }
    if (!ownFailure && this.takeBack && helper.takeBack()) {
      this.counters.takenBack++;
      theirs();
      return;
    }
    try {
      if (!helper.wait(this.threadTimeoutMs + extraMs)) {
        // not started by the deadline (no core for the helper): ours to run, so a loaded machine is slow, not fatal
        this.counters.takenBack++;
        if (!ownFailure) theirs();
      }
    } catch (e) {
      // A broken helper is dropped so later calls run single-threaded instead of failing again.
      this.stopHelper(true);
      throw new Error(`${(e as Error).message} (${what}; threading disabled, call setThreads(2) to retry)`);
    }
    if (ownFailure) throw ownFailure;
  }

  // ---- row butterflies (core/compile/spectralFold.ts) ----
  /**
   * Over `count` groups of four input and four output rows of `len` values (each row a [byte pointer, byte stride per
   * group] pair, the stride possibly negative): u0 = i0 + i1, u1 = i0 - i1, u2 = i2 + i3, u3 = i2 - i3, then
   * o0 = u0 + u2, o1 = u0 - u2, o2 = u1 + u3, o3 = u1 - u3. Outputs must not alias inputs. Large passes split their
   * groups across the two threads (same bits either way).
   */
  butterfly4(dtype: Dtype, ins: readonly RowWalk[], outs: readonly RowWalk[], count: number, len: number): void {
    checkDtype('butterfly4', dtype);
    checkCount('butterfly4: count', count);
    checkCount('butterfly4: len', len);
    if (ins.length !== 4 || outs.length !== 4)
      throw new Error(`butterfly4: 4 input and 4 output rows, got ${ins.length} and ${outs.length}`);
    if (!count || !len) return;
    const bytes = BYTES[dtype];
    for (const [name, rows] of [
      ['in', ins],
      ['out', outs],
    ] as const)
      rows.forEach(([p, stride], i) => {
        if (!Number.isInteger(stride)) throw new Error(`butterfly4: ${name} row ${i} stride must be an integer, got ${stride}`);
        this.checkSpan(`butterfly4: ${name} row ${i}`, Math.min(p, p + (count - 1) * stride), Math.abs((count - 1) * stride) + len * bytes);
      });
    const name = `butterfly4_${dtype}`;
    if (typeof this.raw[name] !== 'function') throw new Error(`butterfly4: the kernels build has no ${name} (run npm run build:wasm)`);
    const args = (rows: readonly RowWalk[], from: number): number[] => rows.flatMap(([p, s]) => [p + from * s, s]);
    const g0 = Math.ceil(count / 2);
    if (4 * count * len * bytes < this.splitMinBytes || count < 2 || !this.twoThreads()) {
      this.raw[name](...args(ins, 0), ...args(outs, 0), count, len);
      return;
    }
    const theirs = [...args(ins, g0), ...args(outs, g0), count - g0, len];
    this.counters.elementwiseThreaded++;
    this.runOnBoth(
      `${name} of ${count} groups`,
      (h) => h.postExport(name, theirs),
      () => this.raw[name](...args(ins, 0), ...args(outs, 0), g0, len),
      () => this.raw[name](...theirs),
      (4 * count * len * bytes) / 1e8,
    );
  }

  // ---- elementwise (contiguous unless strided; out may alias inputs) ----
  /** f32: all unary ops; f64: neg and sqrt only. */
  unary(op: UnaryOp, x: number, out: number, n: number, dtype: Dtype = 'f32'): void {
    const ops = dtype === 'f64' ? F64_UNARY_OPS : UNARY_OPS;
    if (!ops.includes(op)) throw new Error(`unary: op must be one of ${ops.join(', ')} for ${dtype}, got ${String(op)}`);
    checkCount('unary: n', n);
    this.checkSpan('unary: x', x, n * BYTES[dtype]);
    this.checkSpan('unary: out', out, n * BYTES[dtype]);
    const name = `${op}_${checkDtype('unary', dtype)}`;
    const bytes = BYTES[dtype];
    const end = n * bytes;
    if (end < this.splitMinBytes || end < 128 || !this.twoThreads()) {
      this.raw[name](x, out, n);
      return;
    }
    const shift = Math.log2(bytes);
    const f = this.raw[name];
    this.runClaimed(
      `${name} of ${n} elements`,
      (h) => h.postExportClaimed(name, x, out, CLAIM_CHUNK_BYTES, end, shift),
      (s, e) => f(x + s, out + s, (e - s) >> shift),
      end,
    );
  }

  binary(op: BinaryOp, a: number, b: number, out: number, n: number, dtype: Dtype = 'f32'): void {
    checkBinaryOp('binary', op);
    checkCount('binary: n', n);
    for (const [name, p] of [
      ['a', a],
      ['b', b],
      ['out', out],
    ] as const)
      this.checkSpan(`binary: ${name}`, p, n * BYTES[checkDtype('binary', dtype)]);
    this.raw[`${op}_${dtype}`](a, b, out, n);
  }

  /** out[i, j] = a[i*aStrides[0] + j*aStrides[1]] op b[...] for a contiguous out [outer, inner]; stride 0 broadcasts. */
  binaryStrided(op: BinaryOp, s: StridedBinaryArgs): void {
    checkBinaryOp('binaryStrided', op);
    checkCount('binaryStrided: outer', s.outer);
    checkCount('binaryStrided: inner', s.inner);
    for (const [name, v] of [
      ['aStrides', s.aStrides],
      ['bStrides', s.bStrides],
    ] as const) {
      if (v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 0)) {
        throw new Error(`binaryStrided: ${name} must be two non-negative integers, got [${v.join(', ')}]`);
      }
    }
    const dtype = checkDtype('binaryStrided', s.dtype ?? 'f32');
    const extent = (st: readonly [number, number]): number => (s.outer && s.inner ? (s.outer - 1) * st[0] + (s.inner - 1) * st[1] + 1 : 0);
    this.checkSpan('binaryStrided: a', s.a, extent(s.aStrides) * BYTES[dtype]);
    this.checkSpan('binaryStrided: b', s.b, extent(s.bStrides) * BYTES[dtype]);
    this.checkSpan('binaryStrided: out', s.out, s.outer * s.inner * BYTES[dtype]);
    this.raw[`${op}_strided_${dtype}`](s.a, s.aStrides[0], s.aStrides[1], s.b, s.bStrides[0], s.bStrides[1], s.out, s.outer, s.inner);
  }

  /** out = cond != 0 ? a : b (cond has the same dtype). */
  where(cond: number, a: number, b: number, out: number, n: number, dtype: Dtype = 'f32'): void {
    checkCount('where: n', n);
    for (const [name, p] of [
      ['cond', cond],
      ['a', a],
      ['b', b],
      ['out', out],
    ] as const)
      this.checkSpan(`where: ${name}`, p, n * BYTES[checkDtype('where', dtype)]);
    this.raw[`where_${dtype}`](cond, a, b, out, n);
  }

  /** Reduces the middle axis of a contiguous [outer, len, inner] view into out[outer, inner] (must not overlap x; len = 0 gives 0 for sum, -Infinity for max). */
  reduce(op: ReduceOp, x: number, out: number, outer: number, len: number, inner: number, dtype: Dtype = 'f32'): void {
    checkCount('reduce: outer', outer);
    checkCount('reduce: len', len);
    checkCount('reduce: inner', inner);
    if (op !== 'sum' && op !== 'max') throw new Error(`reduce: op must be 'sum' or 'max', got ${String(op)}`);
    this.checkSpan('reduce: x', x, outer * len * inner * BYTES[checkDtype('reduce', dtype)]);
    this.checkSpan('reduce: out', out, outer * inner * BYTES[dtype]);
    this.raw[`${op === 'sum' ? 'sum' : 'max_reduce'}_${dtype}`](x, out, outer, len, inner);
  }

  /** out[i, j, :] = x[i, idx[j], :] for x [outer, n, inner], idx i32 [m], out [outer, m, inner]. */
  gather(dtype: Dtype, x: number, idx: number, out: number, outer: number, n: number, inner: number, m: number): void {
    this.checkIndexed('gather', dtype, outer, n, inner, m);
    this.checkSpan('gather: x', x, outer * n * inner * BYTES[dtype]);
    this.checkSpan('gather: idx', idx, 4 * m);
    this.checkSpan('gather: out', out, outer * m * inner * BYTES[dtype]);
    const bad = (dtype === 'f64' ? this.raw.gather_f64 : this.raw.gather_f32)(x, idx, out, outer, n, inner, m);
    if (bad >= 0) this.badIndex('gather', idx, bad, n);
  }

  /** out[i, idx[j], :] += y[i, j, :] for y [outer, m, inner], out [outer, n, inner] (repeated indices add up). */
  scatterAdd(dtype: Dtype, y: number, idx: number, out: number, outer: number, n: number, inner: number, m: number): void {
    this.checkIndexed('scatterAdd', dtype, outer, n, inner, m);
    this.checkSpan('scatterAdd: y', y, outer * m * inner * BYTES[dtype]);
    this.checkSpan('scatterAdd: idx', idx, 4 * m);
    this.checkSpan('scatterAdd: out', out, outer * n * inner * BYTES[dtype]);
    const bad = (dtype === 'f64' ? this.raw.scatter_add_f64 : this.raw.scatter_add_f32)(y, idx, out, outer, n, inner, m);
    if (bad >= 0) this.badIndex('scatterAdd', idx, bad, n);
  }

  /**
   * The 2D f64 B-spline transfer's position gradient (core/kernels/bspline.ts gradPos2, f64x2 over particle pairs)
   * for x [2, n], A [c, 3, n], g [c, nGrid^2] into pos [2, n] and, with also = 'coef', the gather of g into
   * other [c, 3, n], with 'grid' the scatter of A into other [c, nGrid^2]. Above BSPLINE_SPLIT particles the two
   * halves of the particles run on the two threads (the scatter's second half into a scratch grid added after,
   * also on one thread: the same sums either way). Returns -1, or 2 p + axis of the first particle whose stencil
   * leaves the grid (then the outputs are incomplete).
   */
  bsplineGradPos2(
    x: number,
    A: number,
    g: number,
    pos: number,
    other: number,
    n: number,
    c: number,
    nGrid: number,
    also: 'coef' | 'grid' | null,
  ): number {
    checkCount('bsplineGradPos2: n', n);
    checkCount('bsplineGradPos2: c', c);
    if (!Number.isInteger(nGrid) || nGrid < 3) throw new Error(`bsplineGradPos2: nGrid must be an integer >= 3, got ${nGrid}`);
    const G = nGrid * nGrid;
    this.checkSpan('bsplineGradPos2: x', x, 16 * n);
    this.checkSpan('bsplineGradPos2: A', A, 24 * c * n);
    this.checkSpan('bsplineGradPos2: g', g, 8 * c * G);
    this.checkSpan('bsplineGradPos2: pos', pos, 16 * n);
    if (also) this.checkSpan('bsplineGradPos2: other', other, also === 'coef' ? 24 * c * n : 8 * c * G);
    const mode = also === 'coef' ? 1 : also === 'grid' ? 2 : 0;
    const run = this.raw.bspline_grad_pos2_f64x2;
    if (also === 'grid') this.f64view(other, c * G).fill(0);
    if (n < BSPLINE_SPLIT) return run(x, A, g, pos, other, n, c, nGrid, mode, 0, n) as number;
    const mid = 2 * Math.floor(n / 4);
    const scratch = also === 'grid' ? this.heap.alloc(8 * c * G) : other;
    try {
      if (also === 'grid') this.f64view(scratch, c * G).fill(0);
      let bad = -1;
      const theirs = (): void => void run(x, A, g, pos, scratch, n, c, nGrid, mode, mid, n);
      // ours, then the check of their particles (their kernel's answer does not come back)
      const mine = (): void => {
        bad = run(x, A, g, pos, other, n, c, nGrid, mode, 0, mid) as number;
        if (bad < 0) bad = this.raw.bspline_check2(x, n, nGrid, mid, n) as number;
      };
      if (this.twoThreads()) {
        const args = [x, A, g, pos, scratch, n, c, nGrid, mode, mid, n];
        this.runOnBoth('B-spline transfer gradient', (h) => h.postExport('bspline_grad_pos2_f64x2', args), mine, theirs, n / 1e5);
      } else {
        mine();
        theirs();
      }
      if (also === 'grid') this.raw.add_f64(other, scratch, other, c * G);
      return bad;
    } finally {
      if (also === 'grid') this.heap.free(scratch);
    }
  }

  /** Throws unless [ptr, ptr + bytes) is a valid non-null range of the wasm memory. */
  private checkSpan(name: string, ptr: number, bytes: number): void {
    const size = this.memory.buffer.byteLength;
    if (!Number.isInteger(ptr) || ptr <= 0 || ptr + bytes > size) {
      throw new Error(`${name} must point to ${bytes} bytes inside the wasm memory (${size} bytes), got pointer ${ptr}`);
    }
  }

  private checkIndexed(what: string, dtype: Dtype, outer: number, n: number, inner: number, m: number): void {
    checkDtype(what, dtype);
    checkCount(`${what}: outer`, outer);
    checkCount(`${what}: n`, n);
    checkCount(`${what}: inner`, inner);
    checkCount(`${what}: m`, m);
  }

  private badIndex(what: string, idx: number, j: number, n: number): never {
    const v = this.i32view(idx + 4 * j, 1)[0];
    throw new Error(`${what}: idx[${j}] = ${v} is out of range, expected 0 <= idx < ${n}`);
  }
}

/** Reduction block of the kernels (KC in core/wasm/assembly/gemm.ts): k splits fall on whole blocks. */
const KC = 256;

/**
 * Where a GEMM with a long reduction and a small C (weight gradients X^T dY over N rows) is cut along k: both
 * threads then run full-size tiles over half the rows each, instead of half of a C too small to split well
 * and the whole of B packed twice. 0: no k split. Depends on the shape only, never on the thread count.
 */
export function splitK(m: number, n: number, k: number): number {
  if (k < 2 * KC || k < 4 * Math.max(m, n)) return 0;
  return Math.ceil(k / 2 / KC) * KC;
}

/**
 * Splits one GEMM argument list into two halves: rows of C (in every batch item) when there are enough,
 * else batch items, else columns of C. Each half is itself a valid gemm_* argument list.
 */
function splitGemm(dtype: Dtype, args: number[]): [number[], number[]] | null {
  const [ta, tb, m, n, , a, lda, sa, b, ldb, sb, c, ldc, sc, batch] = args;
  const bytes = BYTES[dtype];
  const mine = args.slice(),
    theirs = args.slice();
  const mr = MR[dtype];
  if (m >= 2 * mr && m >= n / 4) {
    const m0 = Math.ceil(m / 2 / mr) * mr;
    mine[2] = m0;
    theirs[2] = m - m0;
    theirs[5] = a + (ta ? m0 : m0 * lda) * bytes;
    theirs[11] = c + m0 * ldc * bytes;
    return [mine, theirs];
  }
  if (batch >= 2) {
    const b0 = Math.ceil(batch / 2);
    mine[14] = b0;
    theirs[14] = batch - b0;
    theirs[5] = a + b0 * sa * bytes;
    theirs[8] = b + b0 * sb * bytes;
    theirs[11] = c + b0 * sc * bytes;
    return [mine, theirs];
  }
  const nr = NR[dtype];
  if (n >= 2 * nr) {
    const n0 = Math.ceil(n / 2 / nr) * nr;
    mine[3] = n0;
    theirs[3] = n - n0;
    theirs[8] = b + (tb ? n0 * ldb : n0) * bytes;
    theirs[11] = c + n0 * bytes;
    return [mine, theirs];
  }
  return null;
}

function checkDtype(what: string, dtype: Dtype): Dtype {
  if (dtype !== 'f32' && dtype !== 'f64') throw new Error(`${what}: dtype must be 'f32' or 'f64', got ${String(dtype)}`);
  return dtype;
}

function checkBinaryOp(what: string, op: BinaryOp): void {
  if (!BINARY_OPS.includes(op)) throw new Error(`${what}: op must be one of ${BINARY_OPS.join(', ')}, got ${String(op)}`);
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new Error(`${name} must be a non-negative integer, got ${v}`);
}

function checkLd(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < Math.max(1, min)) throw new Error(`${name} must be an integer >= ${Math.max(1, min)}, got ${v}`);
}

/** Elements spanned by `batch` row-major rows x cols matrices with leading dimension ld and batch stride. */
function matrixExtent(batch: number, stride: number, rows: number, cols: number, ld: number): number {
  if (rows === 0 || cols === 0) return 0;
  return (batch - 1) * stride + (rows - 1) * ld + cols;
}

const loaded = new Map<Variant, WasmKernels>();
const relaxedOk = new Map<boolean, boolean>(); // by enableFlag: validation is not free, the answer never changes

function chooseVariant(opts: LoadOptions): Variant {
  const want = opts.relaxed ?? 'auto';
  if (want === false) return 'simd';
  const enableFlag = opts.enableRelaxedFlag ?? process.env.FLUXION_WASM_RELAXED !== '0';
  const flag = enableFlag || want === true;
  const ok = relaxedOk.get(flag) ?? relaxedSimdAvailable(flag);
  relaxedOk.set(flag, ok);
  if (want === true && !ok) throw new Error(`loadKernels: relaxed SIMD requested but not supported by ${process.version}`);
  return ok ? 'relaxed' : 'simd';
}

/** Loads (once per variant) the kernel module: relaxed SIMD when available, else baseline SIMD. */
export function loadKernels(opts: LoadOptions = {}): WasmKernels {
  const variant = chooseVariant(opts);
  let k = loaded.get(variant);
  if (!k) {
    k = new WasmKernels(compileVariant(variant), variant, opts.threadTimeoutMs);
    loaded.set(variant, k);
  }
  return k;
}
