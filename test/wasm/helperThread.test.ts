import { expect } from 'chai';
import { HelperThread } from '../../core/wasm/helperThread.js';
import { compileVariant, relaxedSimdAvailable } from '../../core/wasm/module.js';
import { CLAIM_CHUNK_BYTES, WasmKernels } from '../../core/wasm/kernels.js';
import { wasmLoops } from '../../core/compile/wasmgen.js';
import type { FusedKernel } from '../../core/compile/fusion.js';
import { Var } from '../../core/ir.js';
import { ensureBuilt } from './helpers.js';

describe('wasm/helper-thread', () => {
  let kern: WasmKernels;
  before(() => {
    ensureBuilt();
    kern = new WasmKernels(compileVariant('simd'), 'simd');
  });

  it('runs a GEMM job on the shared memory', () => {
    const work = kern.alloc(kern.raw.gemm_work_bytes());
    const p = kern.alloc(3 * 16);
    kern.f32view(p, 12).set([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]); // A = [1 2; 3 4], B = [5 6; 7 8]
    const t = new HelperThread(kern.module, kern.memory);
    try {
      t.post('f32', [0, 0, 2, 2, 2, p, 2, 4, p + 16, 2, 4, p + 32, 2, 4, 1, 0, work]);
      t.wait(5000);
      expect(Array.from(kern.f32view(p + 32, 4))).to.deep.equal([19, 22, 43, 50]);
    } finally {
      t.close();
    }
    kern.free(p);
    kern.free(work);
  });

  it('runs an export of the kernels module, and names it when it traps', () => {
    const n = 1000;
    const x = kern.alloc(n * 4),
      out = kern.alloc(n * 4),
      ref = kern.alloc(n * 4);
    kern.f32view(x, n).set(Array.from({ length: n }, (_, i) => Math.sin(0.37 * i) * 3));
    kern.raw.tanh_f32(x, ref, n);
    const t = new HelperThread(kern.module, kern.memory);
    try {
      t.postExport('tanh_f32', [x, out, n]);
      t.wait(5000);
      expect(Array.from(kern.f32view(out, n))).to.deep.equal(Array.from(kern.f32view(ref, n)));
      t.postExport('tanh_f32', [0xfffff000, out, 64]);
      expect(() => t.wait(5000)).to.throw(/tanh_f32 job failed: RuntimeError: memory access out of bounds/);
      expect(() => t.postExport('no_such_kernel', [])).to.throw(/no export 'no_such_kernel'/);
    } finally {
      t.close();
    }
    for (const p of [x, out, ref]) kern.free(p);
  });

  it('WasmKernels.unary split across two threads gives the same bits as one thread', () => {
    const n = 100_003; // not a multiple of the lanes or of a cache line
    const x = kern.alloc(n * 4),
      one = kern.alloc(n * 4),
      two = kern.alloc(n * 4);
    kern.f32view(x, n).set(Array.from({ length: n }, (_, i) => Math.cos(0.011 * i) * 4));
    kern.setThreads(1);
    kern.unary('tanh', x, one, n);
    kern.setThreads(2);
    kern.takeBack = false; // the helper runs its share
    const before = kern.counters.elementwiseThreaded;
    kern.unary('tanh', x, two, n);
    expect(kern.counters.elementwiseThreaded - before).to.equal(1);
    expect(Array.from(kern.f32view(two, n))).to.deep.equal(Array.from(kern.f32view(one, n)));
    kern.takeBack = true;
    kern.setThreads(1);
    for (const p of [x, one, two]) kern.free(p);
  });

  it('a claimed export runs every chunk exactly once across both threads (in-place neg, a partial last chunk)', () => {
    const n = 100_003;
    const x = kern.alloc(n * 4);
    const values = Array.from({ length: n }, (_, i) => Math.sin(0.13 * i) + 0.5);
    const t = new HelperThread(kern.module, kern.memory);
    try {
      for (const chunk of [64, 4096, 1 << 20]) {
        kern.f32view(x, n).set(values);
        // a chunk run twice (or never) would leave its elements as they were
        t.postExportClaimed('neg_f32', x, x, chunk, n * 4, 2);
        t.claim(chunk, n * 4, (s, e) => kern.raw.neg_f32(x + s, x + s, (e - s) >> 2));
        t.wait(5000);
        const got = kern.f32view(x, n);
        const wrong = values.findIndex((v, i) => got[i] !== -Math.fround(v));
        expect(wrong, `chunk ${chunk}: first element not negated once`).to.equal(-1);
      }
    } finally {
      t.close();
    }
    kern.free(x);
  });

  it('WasmKernels.runLoop claims chunks of a fused loop on both threads: each element once, the bits of one thread', () => {
    // out = x * x + out over n elements (in place on out), not a whole number of chunks
    const n = (5 * CLAIM_CHUNK_BYTES) / 4 + 37;
    const xs = new Var([n], 'f32'),
      outs = new Var([n], 'f32');
    const read = (input: number) => ({ kind: 'read' as const, read: { input, at: 'same' as const } });
    const sq = { kind: 'op' as const, prim: 'mul' as const, args: [read(0), read(0)], params: {}, dtype: 'f32' as const };
    const loop: FusedKernel = {
      out: outs,
      inputs: [xs, outs],
      tree: { kind: 'op', prim: 'add', args: [sq, read(1)], params: {}, dtype: 'f32' },
      size: n,
    };
    const x = kern.alloc(n * 4 + 64),
      out = kern.alloc(n * 4 + 64);
    const mod = wasmLoops([loop], () => ({ inputs: [x, out], out }), kern.memory);
    expect(mod).to.not.equal(null);
    const { module, fns, ends } = mod as NonNullable<typeof mod>;
    const shared = kern.shareLoops(module);
    const xv = Array.from({ length: n }, (_, i) => Math.cos(0.7 * i));
    const run = (threads: 1 | 2): Float32Array => {
      kern.setThreads(threads);
      kern.f32view(x, n).set(xv);
      kern.f32view(out, n).fill(1);
      kern.runLoop(shared, 0, fns[0], ends[0]);
      return kern.f32view(out, n).slice();
    };
    const one = run(1);
    kern.takeBack = false; // the helper claims chunks too
    const before = kern.counters.elementwiseThreaded;
    const two = run(2);
    kern.takeBack = true;
    kern.setThreads(1);
    kern.forgetLoops(shared);
    expect(kern.counters.elementwiseThreaded - before).to.equal(1);
    expect(Array.from(two)).to.deep.equal(Array.from(one));
    // an element run twice would hold 1 + 2 x^2
    const wrong = xv.findIndex((v, i) => one[i] !== Math.fround(Math.fround(Math.fround(v) * Math.fround(v)) + 1));
    expect(wrong, 'first element not x^2 + 1').to.equal(-1);
    kern.free(x);
    kern.free(out);
  });

  it('turns a trap in the worker into an Error naming it', () => {
    const t = new HelperThread(kern.module, kern.memory);
    try {
      const bad = 0xfffff000; // far outside the memory
      t.post('f32', [0, 0, 8, 8, 8, bad, 8, 64, bad, 8, 64, bad, 8, 64, 1, 0, bad]);
      expect(() => t.wait(5000)).to.throw(/gemm job failed: RuntimeError: memory access out of bounds/);
    } finally {
      t.close();
    }
  });

  it('at the deadline a job the worker has not started comes back to the caller, and a started one is waited for', () => {
    const n = 384;
    const bytes = n * n * 4;
    const work = kern.alloc(kern.raw.gemm_work_bytes()),
      workRef = kern.alloc(kern.raw.gemm_work_bytes()),
      p = kern.alloc(3 * bytes);
    kern.f32view(p, n * n).set(Array.from({ length: n * n }, (_, i) => Math.sin(0.37 * i)));
    const gemm = (c: number, w: number) => [0, 0, n, n, n, p, n, 0, p, n, 0, c, n, 0, 20, 0, w];
    kern.raw.gemm_f32(...gemm(p + 2 * bytes, workRef));
    const t = new HelperThread(kern.module, kern.memory);
    try {
      for (let round = 0; round < 3; round++) {
        kern.f32view(p + bytes, n * n).fill(Number.NaN);
        t.post('f32', gemm(p + bytes, work));
        // a 0 ms deadline: either the worker had already started (then wait() returns only when it is done, never
        // throwing a deadline error) or the job is handed back and runs here
        if (!t.wait(0)) kern.raw.gemm_f32(...gemm(p + bytes, work));
        expect(Array.from(kern.f32view(p + bytes, n * n))).to.deep.equal(Array.from(kern.f32view(p + 2 * bytes, n * n)));
      }
    } finally {
      t.close();
    }
    for (const q of [work, workRef, p]) kern.free(q);
  });

  it('a job the worker has not started can be taken back, and the worker then leaves it alone', () => {
    const t = new HelperThread(kern.module, kern.memory);
    try {
      const bad = 0xfffff000; // the worker would trap on this job if it ran it
      t.post('f32', [0, 0, 8, 8, 8, bad, 8, 64, bad, 8, 64, bad, 8, 64, 1, 0, bad]);
      const took = t.takeBack();
      if (!took) expect(() => t.wait(5000)).to.throw(/gemm job failed/); // the worker was faster: it ran (and trapped)
      expect(t.takeBack(), 'nothing left to take back').to.equal(false);
      const work = kern.alloc(kern.raw.gemm_work_bytes());
      const p = kern.alloc(3 * 16);
      kern.f32view(p, 12).set([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
      if (took) {
        // the next job runs normally: the taken-back one was never started
        t.post('f32', [0, 0, 2, 2, 2, p, 2, 4, p + 16, 2, 4, p + 32, 2, 4, 1, 0, work]);
        t.wait(5000);
        expect(Array.from(kern.f32view(p + 32, 4))).to.deep.equal([19, 22, 43, 50]);
      }
      kern.free(p);
      kern.free(work);
    } finally {
      t.close();
    }
  });

  it('a broken helper makes WasmKernels.gemm throw once and fall back to one thread', () => {
    kern.setThreads(2);
    kern.threadMinFlops = 0;
    kern.takeBack = false; // else the main thread may run the helper's half itself before the helper traps
    const p = kern.alloc(3 * 128 * 8 * 4);
    // Test seam: point the helper's packing scratch outside the memory so only the worker traps (its 64 rows
    // are more than the kernel reads B in place for, so it packs B there first).
    (kern as unknown as { helperWork: number }).helperWork = 0xfffff000;
    expect(() => kern.gemm({ m: 128, n: 8, k: 8, a: p, b: p, c: p + 128 * 8 * 4 })).to.throw(
      /gemm job failed: RuntimeError: memory access out of bounds.*threading disabled/s,
    );
    expect(kern.threads).to.equal(1);
    kern.dispose();
  });
});

describe('wasm/module relaxed SIMD', () => {
  before(ensureBuilt);

  it("compiles the relaxed build without leaving V8's relaxed-SIMD flag set", () => {
    const native = relaxedSimdAvailable(false);
    const mod = compileVariant('relaxed');
    expect(relaxedSimdAvailable(false)).to.equal(native); // no process-wide side effect
    const kern = new WasmKernels(mod, 'relaxed');
    kern.setThreads(2);
    kern.threadMinFlops = 0;
    const p = kern.alloc(128);
    kern.f32view(p, 12).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    kern.gemm({ m: 2, n: 2, k: 2, a: p, b: p + 16, c: p + 32 });
    expect(Array.from(kern.f32view(p + 32, 4))).to.deep.equal([19, 22, 43, 50]);
    expect(kern.counters.gemmThreaded).to.equal(0); // 2x2 cannot be split
    kern.f32view(p, 12).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // the 2x2 product overwrote 8..11
    kern.gemm({ m: 12, n: 1, k: 1, a: p, b: p, c: p + 64 }); // two 6-row tiles: split by rows
    expect(kern.counters.gemmThreaded).to.equal(1);
    expect(Array.from(kern.f32view(p + 64, 12))).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    kern.dispose();
  });
});
