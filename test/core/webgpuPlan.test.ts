// The webgpu backend's planning and WGSL generation, which need no device (the shaders themselves run in
// test/viewer/webgpu.test.ts): fusion into single dispatches, tiled matmul, arena reuse, the errors for
// what the backend cannot run, and the skip message where no WebGPU exists.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { emulatesOnCpu, planProgram, requestWebGpuBackend, WebGpuUnsupported } from '../../core/backend/webgpu/index.js';
import { wgslLit } from '../../core/kernels/wgsl.js';
import { lrHat, pinnProblem, type AdamState } from '../support/pinnAdamStep.js';

const graph = (f: (...xs: fx.Tensor[]) => fx.Tensor | fx.Tensor[], ...shapes: number[][]) =>
  fx.makeGraph(
    f,
    shapes.map((shape) => ({ shape, dtype: 'f32' as const })),
  );

/** WGSL without its comments. */
const code = (wgsl: string): string => wgsl.replace(/\/\/.*$/gm, '');

describe('webgpu backend: planning and WGSL generation', () => {
  it('an elementwise chain with a broadcast is one fused dispatch', () => {
    const p = planProgram(graph((a, b) => fx.tanh(fx.add(fx.mul(a, b), 1)), [8, 4], [4]));
    expect(p.kernels.length).to.equal(1);
    const src = p.kernels[0].wgsl;
    expect(src).to.match(/tanh\(clamp\(/);
    // the [4] operand is read in place modulo its period, not materialised
    expect(src).to.match(/i % 4u/);
  });

  it('matmul is a 16x16 tiled kernel staging A and B in workgroup memory', () => {
    const p = planProgram(graph((a, b) => fx.matmul(a, b), [40, 24], [24, 33]));
    const k = p.kernels[0];
    expect(k.wgsl).to.match(/var<workgroup> ta: array<f32, 256>/);
    expect(k.wgsl).to.match(/workgroupBarrier/);
    expect(k.groups).to.deep.equal([3, 3, 1]);
  });

  it("for a CPU emulation ('cpu' target) matmuls and reductions never synchronise a workgroup", () => {
    const p = planProgram(
      graph((a, b) => fx.sum(fx.matmul(a, b), 0), [40, 24], [24, 33]),
      'cpu',
    );
    for (const k of p.kernels) expect(k.wgsl).not.to.match(/var<workgroup>|workgroupBarrier/);
    // 8 rows x 4 columns per thread: 5 x 9 blocks, one 16-thread workgroup
    const mm = p.kernels[0].wgsl;
    expect(mm).to.match(/var c7_3 = 0\.0;/);
    expect(mm).not.to.match(/c8_0|c0_4/);
    expect(p.kernels[0].groups).to.deep.equal([3, 1, 1]);
    const wide = planProgram(
      graph((a) => fx.sum(a, 1), [3, 1000]),
      'cpu',
    );
    expect(wide.kernels[0].wgsl).not.to.match(/var<workgroup>/);
  });

  it('kernels computing the same thing on other values take their offsets from a uniform block and share one shader', () => {
    const p = planProgram(graph((a, b) => [fx.tanh(fx.mul(a, 3)), fx.tanh(fx.mul(b, 3))], [5, 7], [5, 7]));
    expect(p.kernels.length).to.equal(2);
    expect(p.kernels[0].wgsl).to.equal(p.kernels[1].wgsl);
    expect(p.kernels[0].wgsl).to.match(/var<uniform> q: array<vec4u, 1>/);
    // each kernel's block: its input's offset, the constant 3's, its output's
    const pairs = p.kernels.map((k) => [k.uniforms?.[0], k.uniforms?.[2]].join());
    const [a, b] = p.inputs.map((s) => s.offset);
    const [x, y] = p.outputs.map((s) => s.offset);
    expect(pairs).to.have.members([`${a},${x}`, `${b},${y}`]);
    // a kernel whose text is unique anyway keeps its offsets as literals
    const single = planProgram(graph((c) => fx.tanh(fx.mul(c, 3)), [5, 7]));
    expect(single.kernels[0].uniforms).to.equal(undefined);
    expect(single.kernels[0].wgsl).to.match(/m\[\d+u \+ i\]/);
  });

  it("'cpu' matmuls take offsets and sizes from a uniform block: shapes with the same transposes and block share one shader", () => {
    const mm = (a: number[], b: number[], o = {}) =>
      planProgram(
        graph((x, y) => fx.matmul(x, y, o), a, b),
        'cpu',
      ).kernels[0];
    const [k1, k2] = [mm([40, 24], [24, 33]), mm([19, 37], [37, 13])];
    expect(k1.wgsl).to.equal(k2.wgsl);
    expect(k1.wgsl).to.match(/var<uniform> q: Q/);
    // after the offsets of a, b and c: M, N, K, the batch strides, row and column blocks, threads
    expect(Array.from(k2.uniforms ?? []).slice(3)).to.deep.equal([19, 13, 37, 19 * 37, 37 * 13, 19 * 13, 3, 4, 12]);
    // other transposes or a narrower block: another shader
    expect(mm([24, 40], [24, 33], { transA: true }).wgsl).not.to.equal(k1.wgsl);
    expect(mm([40, 24], [24, 2]).wgsl).not.to.equal(k1.wgsl);
    // a PINN step's 17 matmuls need a handful of pipelines
    const { state, x, step } = pinnProblem(256, [2, 16, 16, 1]);
    const n = fx.leaves(state).length;
    const flat = (...xs: fx.Tensor[]) => {
      const [loss, next] = step(fx.unflatten(state, xs.slice(0, n)) as AdamState, xs[n], xs[n + 1]);
      return [loss, ...fx.leaves(next)];
    };
    const ins = [...fx.leaves(state), x, lrHat(1)];
    const p = planProgram(
      fx.makeGraph(
        flat,
        ins.map((t) => ({ shape: t.shape, dtype: t.dtype })),
      ),
      'cpu',
    );
    const matmuls = p.kernels.filter((k) => k.label.startsWith('matmul'));
    expect(matmuls.length).to.be.above(10);
    expect(new Set(matmuls.map((k) => k.wgsl)).size).to.be.at.most(8);
  });

  it('for a CPU emulation a large elementwise loop runs 16 consecutive elements per thread in fewer workgroups', () => {
    const f = (a: fx.Tensor) => fx.tanh(fx.mul(a, 2));
    const gpu = planProgram(graph(f, [1024, 32]));
    const cpu = planProgram(graph(f, [1024, 32]), 'cpu');
    expect(gpu.kernels[0].groups).to.deep.equal([512, 1, 1]);
    expect(cpu.kernels[0].groups).to.deep.equal([32, 1, 1]);
    expect(cpu.kernels[0].wgsl).to.match(/fn element\(i: u32\)/);
    expect(cpu.kernels[0].wgsl).to.match(/min\(first \+ 16u, 32768u\)/);
    // small loops keep one element per thread
    expect(planProgram(graph(f, [40]), 'cpu').kernels[0].wgsl).not.to.match(/fn element/);
  });

  it('SwiftShader and fallback adapters count as CPU emulations', () => {
    const limits = {} as never;
    const features = new Set<string>();
    const requestDevice = async () => ({}) as never;
    const ss = { limits, features, requestDevice, info: { vendor: 'google', architecture: 'swiftshader', description: '' } };
    const fallback = {
      limits,
      features,
      requestDevice,
      info: { vendor: 'mesa', architecture: '', description: 'llvmpipe', isFallbackAdapter: true },
    };
    const gpu = { limits, features, requestDevice, info: { vendor: 'nvidia', architecture: 'hopper', description: '' } };
    expect([ss, fallback, gpu].map(emulatesOnCpu)).to.deep.equal([true, true, false]);
  });

  it('scatter-add zeroes its output, then adds with an atomic compare-exchange loop', () => {
    const idx = fx.tensor([1, 1, 0], [3], 'i32');
    const p = planProgram(graph((u) => fx.scatterAdd(fx.zeros([3, 2]), idx, u, 0), [3, 2]));
    const srcs = p.kernels.map((k) => k.wgsl).join('\n');
    expect(srcs).to.match(/atomicCompareExchangeWeak/);
    expect(p.constants.some((c) => c.data instanceof Int32Array)).to.equal(true);
  });

  it('wide reductions use a workgroup tree per output cell, narrow ones a loop per thread', () => {
    const wide = planProgram(graph((a) => fx.sum(a, 1), [3, 1000]));
    expect(wide.kernels[0].wgsl).to.match(/var<workgroup> sh/);
    expect(wide.kernels[0].groups[0]).to.equal(3);
    const narrow = planProgram(graph((a) => fx.max(a, 0), [5, 7]));
    expect(narrow.kernels[0].wgsl).not.to.match(/var<workgroup>/);
  });

  it('values whose lifetimes do not overlap share arena space', () => {
    // a chain of matmuls: each intermediate dies once the next is computed
    const f = (a: fx.Tensor) => {
      let y = a;
      for (let i = 0; i < 6; i++) y = fx.matmul(y, y);
      return y;
    };
    const p = planProgram(graph(f, [64, 64]));
    expect(p.arenaBytes).to.be.below(6 * 64 * 64 * 4);
  });

  it('f64 inputs and constants fail with an error naming the backend and the dtype', () => {
    const g64 = fx.makeGraph((a) => fx.exp(a), [{ shape: [3], dtype: 'f64' }]);
    expect(() => planProgram(g64)).to.throw(
      WebGpuUnsupported,
      /webgpu backend: dtype f64 is not supported \(f32 only\): input 0 is f64\[3\]/,
    );
    const lit = fx.tensor([1, 0, 1], [3], 'f64');
    expect(() => planProgram(graph((a) => fx.where(lit, a, a), [3]))).to.throw(WebGpuUnsupported, /dtype f64 is not supported/);
  });

  it("an FNO-1D value-and-grad plans (the spectral layers' DFTs and weight blocks have kernels)", () => {
    const model = fx.operators.fno({ dim: 1, modes: 4, width: 8, layers: 2, projection: 16, seed: 0 });
    const coords = fx.operators.gridCoords(
      [16],
      Float64Array.from({ length: 16 }, (_, j) => j / 16),
      'f32',
    );
    const a = fx.random.normal(1, [3, 16]);
    type P = typeof model.params;
    const like = model.params as unknown as fx.PyTree;
    const ws = fx.leaves(like);
    // the gradient with respect to every weight: the transposes (complex_block_t, rdft of cotangents) run too
    const grads = (...xs: fx.Tensor[]) =>
      fx.leaves(
        fx.grad((q: fx.PyTree) => fx.mean(fx.square(model.apply(q as unknown as P, a, coords))))(fx.unflatten(like, xs)) as fx.PyTree,
      );
    const p = planProgram(graph(grads, ...ws.map((w) => [...w.shape])));
    const labels = p.kernels.map((k) => k.label);
    for (const op of ['rdft_modes', 'irdft_modes', 'complex_block', 'complex_block_t']) {
      expect(labels.some((l) => l.startsWith(op))).to.equal(true, op);
    }
  });

  it('primitives without kernels fail naming the primitive', () => {
    const twice = (a: fx.Tensor) => fx.hostCall('twice', ([x]) => x.map((v) => 2 * v), [a], { shape: [8], dtype: 'f32' });
    expect(() => planProgram(graph(twice, [8]))).to.throw(WebGpuUnsupported, /primitive 'host_call' is not supported: host callbacks/);
  });

  it('a power-of-two FFT is log2(n) Stockham stages; other lengths one direct DFT; twiddles are an arena table', () => {
    const pow2 = planProgram(graph((a) => fx.fft(a), [3, 64, 2]));
    expect(pow2.kernels.map((k) => k.label)).to.deep.equal(Array.from({ length: 6 }, (_, s) => `FFT 3x64 (stage ${s + 1} of 6)`));
    // one table of (cos, sin) pairs for t < 64, computed on the host
    const table = pow2.constants.find((c) => c.data.length === 128);
    expect(table?.data[2 * 16]).to.be.closeTo(0, 1e-7);
    expect(table?.data[2 * 16 + 1]).to.equal(1);
    for (const k of pow2.kernels) expect(code(k.wgsl)).not.to.match(/\b(sin|cos)\(/);
    const odd = planProgram(graph((a) => fx.ifft(a), [2, 6, 2]));
    expect(odd.kernels.map((k) => k.label)).to.deep.equal(['inverse FFT 2x6 (direct DFT)']);
    // rfft widens to complex scratch, transforms, keeps the first n/2 + 1 bins
    const r = planProgram(graph((a) => fx.rfft(a), [4, 16]));
    expect(r.kernels.map((k) => k.label)).to.deep.equal([
      'rfft 4x16 (widen)',
      ...[1, 2, 3, 4].map((s) => `FFT 4x16 (stage ${s} of 4)`),
      'rfft 4x16 (first 9 bins)',
    ]);
  });

  it("an FFT's scratch never overlaps a value live at its step, and its table survives the run", () => {
    // the input is read to the end and output 0 is written by the first FFT: every FFT's scratch must avoid both
    const p = planProgram(graph((a) => [fx.rfft(a), fx.mul(fx.irfft(fx.rfft(a), 32), a)], [4, 32]));
    // a widening kernel's first store is to its scratch, which holds 3 x [4, 32] complex values (768 words)
    const starts = p.kernels
      .filter((k) => /widen|Hermitian/.test(k.label))
      .map((k) => {
        // a literal, or (kernels sharing a shader) the uniform block's word named by q[j].c
        const literal = /m\[(\d+)u \+ 2u \* i\] =/.exec(k.wgsl);
        if (literal) return Number(literal[1]);
        const [, j, c] = /m\[q\[(\d+)\]\.([xyzw]) \+ 2u \* i\] =/.exec(k.wgsl) ?? [];
        return Number(k.uniforms?.[4 * Number(j) + 'xyzw'.indexOf(c)]);
      });
    expect(starts.length).to.equal(3);
    const apart = (w: number, at: number, size: number): boolean => w + 768 <= at || w >= at + size;
    for (const w of starts) {
      expect(apart(w, p.inputs[0].offset, 128), `scratch at word ${w} overlaps the input`).to.equal(true);
      expect(apart(w, p.outputs[0].offset, 4 * 17 * 2), `scratch at word ${w} overlaps output 0`).to.equal(true);
    }
    // one twiddle table for the three length-32 FFTs, a constant that no value may overwrite
    const tables = p.constants.filter((c) => c.data.length === 64);
    expect(tables.length).to.equal(1);
    for (const t of tables) for (const w of starts) expect(apart(w, t.offset, 64)).to.equal(true);
  });

  it('a random draw is one dispatch of the counter-based generator in u32 arithmetic, its key an i32 input', () => {
    const p = fx.makeGraph((k) => fx.random.normal(k, [3, 5]), [{ shape: [], dtype: 'i32' }]);
    const plan = planProgram(p);
    expect(plan.kernels.length).to.equal(1);
    expect(plan.kernels[0].wgsl).to.match(/array<u32>/);
    expect(plan.kernels[0].wgsl).to.match(/0x7feb352du/);
    expect(code(plan.kernels[0].wgsl)).not.to.match(/\b(sin|cos|log)\(/);
    const f64 = fx.makeGraph((k) => fx.random.uniform(k, [3], 'f64'), [{ shape: [], dtype: 'i32' }]);
    expect(() => planProgram(f64)).to.throw(WebGpuUnsupported, /dtype f64 is not supported/);
  });

  it('literals: NaN and infinities come from a run-time bit pattern, floats always carry a point', () => {
    expect(wgslLit(2)).to.equal('2.0');
    expect(wgslLit(-0.5)).to.equal('-0.5');
    expect(wgslLit(Number.NaN)).to.equal('bitcast<f32>(specials.x)');
    expect(wgslLit(-Infinity)).to.equal('bitcast<f32>(specials.z)');
    expect(wgslLit(1e39)).to.equal('bitcast<f32>(specials.y)');
  });

  it('without WebGPU (Node here) requesting the backend says what is missing', async () => {
    const noAdapter = { requestAdapter: async () => null };
    let msg = '';
    await requestWebGpuBackend(noAdapter).catch((e: Error) => (msg = e.message));
    expect(msg).to.match(/webgpu backend: WebGPU is present but requestAdapter\(\) found no adapter/);
    if (!('gpu' in (globalThis.navigator ?? {}))) {
      await requestWebGpuBackend().catch((e: Error) => (msg = e.message));
      expect(msg).to.match(/webgpu backend: this environment has no WebGPU/);
    }
  });
});
