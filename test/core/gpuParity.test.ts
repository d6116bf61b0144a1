// The gpu backend (gpu.js kernels generated per primitive and per fused chain) against the wasm
// backend, run through gpu.js's 'cpu' and 'webasm' modes: the same kernel sources gpu.js translates
// to GLSL on a real GPU (the browser demo's end-to-end test covers WebGL2).
import { expect } from 'chai';
import * as fx from '../../index.js';
import { cases } from '../support/cases.js';
import { relErr } from '../support/check.js';
import { createNodeGpuBackend } from '../../core/backend/gpuNode.js';
import type { GpuBackend } from '../../core/backend/gpu.js';
import { GpuExecutable } from '../../core/compile/gpuExecutable.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import { SCATTER_MAX_INDICES, SCATTER_MAX_WORK } from '../../core/backend/gpu/source.js';
import { Mulberry32 } from '../../core/random.js';
import { sizeOf } from '../../core/shape.js';

type Name = 'js' | 'wasm' | 'gpu';
/** The peer: the wasm backend where its kernels are built, else the js reference. */
const peer: Name = wasmKernels() ? 'wasm' : 'js';

function on<T>(backend: Name, f: () => T): T {
  const before = fx.getBackend() as Name;
  fx.setBackend(backend);
  try {
    return f();
  } finally {
    fx.setBackend(before);
  }
}

const f32 = (t: fx.Tensor): fx.Tensor => (t.dtype === 'f64' ? fx.cast(t, 'f32') : t);
const values = (ts: readonly fx.Tensor[]): number[] => ts.flatMap((t) => Array.from(t.dataSync()));
const graphOf = (f: (...xs: fx.Tensor[]) => fx.Tensor | fx.Tensor[], xs: readonly fx.Tensor[]) =>
  fx.makeGraph(
    f,
    xs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );

/**
 * No device kernel by design: FFTs and the spectral-layer DFTs / weight blocks stay on the reference loops, reshape
 * is a no-op, and the shared `where` case's condition is an f64 literal (an f32 one is tested on device below).
 */
const HOST_ONLY = /fft|dft_modes|complex_block|reshape|^where$/;

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`gpu backend (gpu.js '${mode}' mode) vs ${peer}`, () => {
    let gpu: GpuBackend;
    before(() => {
      gpu = createNodeGpuBackend(mode);
    });
    after(() => fx.setBackend(peer));

    it(`runs in gpu.js '${mode}' mode`, () => {
      expect(gpu.name).to.equal('gpu');
      expect(gpu.mode).to.equal(mode);
    });

    for (const c of cases) {
      it(`${c.name}: eager and compiled agree to 1e-5${HOST_ONLY.test(c.name) ? ' (host loops)' : ', on device'}`, () => {
        const xs = c.inputs().map(f32);
        const ref = on(peer, () => c.f(...xs));
        const eager = on('gpu', () => c.f(...xs));
        const compiled = on('gpu', () => fx.jit((...ys: fx.Tensor[]) => c.f(...ys))(...xs));
        expect(eager.shape).to.deep.equal(ref.shape);
        expect(compiled.shape).to.deep.equal(ref.shape);
        expect(relErr(eager.dataSync(), ref.dataSync())).to.be.below(1e-5);
        expect(relErr(compiled.dataSync(), ref.dataSync())).to.be.below(1e-5);
        const exe = new GpuExecutable(graphOf(c.f, xs), gpu);
        if (!HOST_ONLY.test(c.name)) expect(exe.kernelCount, 'device kernels').to.be.above(0);
      });
    }

    it('where with an f32 condition and comparisons run on device', () => {
      const a = fx.tensor([0.5, -1, 2, 0.25], [4]);
      const b = fx.tensor([1, 1, -3, 0.25], [4]);
      const f = (p: fx.Tensor, q: fx.Tensor) => fx.where(fx.greater(p, q), fx.mul(p, 2), fx.sub(q, p));
      const exe = new GpuExecutable(graphOf(f, [a, b]), gpu);
      expect(exe.hostSteps).to.deep.equal([]);
      expect(Array.from(exe.run([a, b])[0].dataSync())).to.deep.equal([0.5, 2, 4, 0]);
    });

    it('scatter-add on device: repeated and unused indices, 2-D index lists, outer and inner axes; large ones on the host', () => {
      const rng = new Mulberry32(12);
      const draw = (shape: number[]) =>
        fx.tensor(
          Float32Array.from({ length: sizeOf(shape) }, () => rng.normal()),
          shape,
          'f32',
        );
      const idx = (values: number[], shape: number[]) => fx.tensor(Int32Array.from(values), shape, 'i32');
      // target row 2 gets nothing, row 0 three updates; the 2-D list [2, 3] scatters into axis 1 of [4, 5, 3]
      const i1 = idx([0, 3, 0, 1, 0, 3], [2, 3]);
      const cases: Array<[fx.Tensor, fx.Tensor, fx.Tensor, number]> = [
        [draw([4, 5, 3]), i1, draw([4, 2, 3, 3]), 1],
        [draw([6]), idx([5, 5, 1, 0, 5], [5]), draw([5]), 0],
        [draw([2, 7]), idx([6, 0, 6], [3]), draw([2, 3]), 1],
      ];
      for (const [x, i, u, axis] of cases) {
        const f = (a: fx.Tensor, b: fx.Tensor) => fx.scatterAdd(a, i, b, axis);
        const exe = new GpuExecutable(graphOf(f, [x, u]), gpu);
        expect(exe.hostSteps).to.deep.equal([]);
        const ref = on(peer, () => f(x, u)).dataSync();
        expect(relErr(exe.run([x, u])[0].dataSync(), ref)).to.be.below(1e-6);
        expect(relErr(on('gpu', () => f(x, u)).dataSync(), ref)).to.be.below(1e-6);
      }
      // output cells x indices past SCATTER_MAX_WORK: the host loops' O(indices) pass
      const n = 1 << 12;
      const big = (a: fx.Tensor, b: fx.Tensor) =>
        fx.scatterAdd(
          a,
          idx(
            Array.from({ length: n + 1 }, (_, k) => k % n),
            [n + 1],
          ),
          b,
        );
      const exe = new GpuExecutable(graphOf(big, [draw([n]), draw([n + 1])]), gpu);
      expect(n * (n + 1)).to.be.above(SCATTER_MAX_WORK);
      expect(exe.hostSteps).to.deep.equal(['scatter_add']);
      // more indices than one thread may scan, into a small output
      const m = SCATTER_MAX_INDICES + 1;
      const long = (a: fx.Tensor, b: fx.Tensor) => fx.scatterAdd(a, idx(new Array<number>(m).fill(1), [m]), b);
      expect(new GpuExecutable(graphOf(long, [draw([2]), draw([m])]), gpu).hostSteps).to.deep.equal(['scatter_add']);
    });

    const net = fx.nn.mlp({ layers: [2, 32, 32, 1], seed: 4 });
    const x = fx.random.uniform(3, [256, 2]);
    const pinnLoss = (p: fx.nn.MlpParams) =>
      fx.mean(
        fx.square(
          fx.add(
            fx.laplacian((z) => net.apply(p, z), x),
            1,
          ),
        ),
      );
    const flat = (r: [unknown, unknown]) => values([r[0] as fx.Tensor, ...fx.leaves(r[1] as fx.PyTree)]);

    it('whole transformed graph: grad of a jet-Laplacian PINN loss, compiled, every step on device', () => {
      const ref = on(peer, () => fx.jit(fx.valueAndGrad(pinnLoss))(net.params));
      const step = on('gpu', () => fx.jit(fx.valueAndGrad(pinnLoss)));
      const first = on('gpu', () => flat(step(net.params)));
      const again = on('gpu', () => flat(step(net.params)));
      expect(relErr(first, flat(ref))).to.be.below(1e-4);
      expect(again, 'a rerun reuses the kernels and their outputs').to.deep.equal(first);
      const ps = fx.leaves(net.params);
      const g = graphOf((...qs) => {
        const [v, grads] = fx.valueAndGrad(pinnLoss)(fx.unflatten(net.params, qs));
        return [v as fx.Tensor, ...fx.leaves(grads as fx.PyTree)];
      }, ps);
      const exe = new GpuExecutable(g, gpu);
      // every equation of this graph is an f32 primitive the backend has a kernel for
      expect(exe.hostSteps).to.deep.equal([]);
      expect(exe.kernelCount).to.be.above(20);
      expect(relErr(values(exe.run(ps)), first)).to.be.below(1e-6);
      exe.dispose();
      expect(() => exe.run(ps)).to.throw(/was disposed/);
    });

    it('f64 and i32 results and random draws fall back to the reference loops, unchanged', () => {
      const a = fx.tensor([1.5, -2, 3], [3], 'f64');
      expect(Array.from(on('gpu', () => fx.tanh(a)).dataSync())).to.deep.equal(Array.from(on('js', () => fx.tanh(a)).dataSync()));
      const r = (): number[] => Array.from(fx.random.normal(7, [5]).dataSync());
      expect(on('gpu', r)).to.deep.equal(on('js', r));
    });
  });
}

describe('gpu backend selection in Node', () => {
  after(() => fx.setBackend(peer));

  it('names the bad FLUXION_GPU_MODE value and the accepted ones', () => {
    expect(() => createNodeGpuBackend('vulkan')).to.throw(
      /FLUXION_GPU_MODE: expected one of gpu, headlessgl, webgpu, webasm, cpu, got 'vulkan'/,
    );
  });

  it("mode 'gpu' takes the best kernel gpu.js finds here and setBackend('gpu') reports it", () => {
    const b = createNodeGpuBackend('gpu');
    expect(['headlessgl', 'webgpu', 'webasm']).to.include(b.mode);
    fx.setBackend('gpu');
    expect(fx.getBackend()).to.equal('gpu');
  });

  it('an explicitly requested mode that is missing explains how to run the kernels on the CPU', () => {
    let message = '';
    try {
      createNodeGpuBackend('headlessgl');
      return; // a machine with headless-gl installed: nothing to explain
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/setBackend\('gpu'\): gpu.js has no 'headlessgl' context.*FLUXION_GPU_MODE=webasm or cpu/);
  });
});
