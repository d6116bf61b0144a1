// The wasm backend (eager kernels and jit-compiled graphs) against the js reference backend.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { cases } from '../support/cases.js';
import { onBackend, rand64, relErr } from '../support/check.js';
import { skipBecause } from '../support/skip.js';
import { Executable } from '../../core/compile/executable.js';
import { wasmKernels } from '../../core/backend/wasm.js';

const f32 = (t: fx.Tensor): fx.Tensor => (t.dtype === 'f64' ? fx.cast(t, 'f32') : t);

const on = onBackend;

const values = (ts: fx.Tensor[]): number[] => ts.flatMap((t) => Array.from(t.dataSync()));

describe('backend parity: wasm vs js reference', () => {
  before(function () {
    try {
      on('wasm', () => 0);
    } catch {
      skipBecause(this, 'no wasm build'); // kernels not built on this machine
    }
  });

  for (const c of cases) {
    it(`${c.name}: eager and compiled, f32`, () => {
      const xs = c.inputs().map(f32);
      const ref = on('js', () => c.f(...xs));
      const eager = on('wasm', () => c.f(...xs));
      const compiled = on('wasm', () => fx.jit((...ys: fx.Tensor[]) => c.f(...ys))(...xs));
      expect(relErr(eager.dataSync(), ref.dataSync())).to.be.below(1e-5);
      expect(relErr(compiled.dataSync(), ref.dataSync())).to.be.below(1e-5);
      expect(compiled.shape).to.deep.equal(ref.shape);
    });
  }

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
  /** The PINN loss's value-and-grad as a graph of the flat parameters. */
  const pinnStepGraph = (flat: fx.Tensor[]) =>
    fx.makeGraph(
      (...ps) => {
        const [v, grads] = fx.valueAndGrad(pinnLoss)(fx.unflatten(net.params, ps));
        return [v as fx.Tensor, ...fx.leaves(grads as fx.PyTree)];
      },
      flat.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    );

  it('whole transformed graph: grad of a jet-Laplacian PINN loss (f32), eager and compiled', () => {
    const ref = on('js', () => fx.valueAndGrad(pinnLoss)(net.params));
    const eager = on('wasm', () => fx.valueAndGrad(pinnLoss)(net.params));
    const compiled = on('wasm', () => fx.jit(fx.valueAndGrad(pinnLoss))(net.params));
    const flat = (r: [unknown, unknown]) => values([r[0] as fx.Tensor, ...fx.leaves(r[1] as fx.PyTree)]);
    expect(relErr(flat(eager), flat(ref))).to.be.below(1e-4);
    expect(relErr(flat(compiled), flat(ref))).to.be.below(1e-4);
  });

  it('whole transformed graph in f64: compiled jvp-of-grad and 4th-order jet equal the reference to 1e-12', () => {
    const net64 = fx.nn.mlp({ layers: [3, 16, 16, 1], seed: 8, dtype: 'f64' });
    const pts = rand64([20, 3], 5);
    const v = rand64([20, 3], 6);
    const f = (z: fx.Tensor) => {
      const u = (w: fx.Tensor) => net64.apply(net64.params, w);
      const hv = fx.jvp((w: fx.Tensor) => fx.grad((q: fx.Tensor) => fx.sum(u(q)))(w) as fx.Tensor, [z], [v])[1];
      const [, series] = fx.jet(u, z, [v, null, null, null]);
      return fx.concat([hv, ...series], 1);
    };
    const ref = on('js', () => f(pts));
    const compiled = on('wasm', () => fx.jit(f)(pts));
    expect(relErr(compiled.dataSync(), ref.dataSync())).to.be.below(1e-12);
  });

  it('fused loops generated as wasm SIMD and as JS give bit-identical results', () => {
    const flat = fx.leaves(net.params);
    const g = pinnStepGraph(flat);
    const kernels = wasmKernels();
    if (!kernels) return;
    const viaWasm = new Executable(g, kernels, { fusion: 'wasm' });
    const viaJs = new Executable(g, kernels, { fusion: 'js' });
    expect(viaWasm.wasmLoopCount).to.be.above(10);
    expect(values(viaWasm.run(flat))).to.deep.equal(values(viaJs.run(flat)));
    viaWasm.dispose();
    viaJs.dispose();
  });

  it('fused loops and unary kernels split across two threads give the same bits as one thread', () => {
    const kernels = wasmKernels();
    if (!kernels) return;
    const flat = fx.leaves(net.params);
    const g = pinnStepGraph(flat);
    const saved = { threads: kernels.threads, splitMinBytes: kernels.splitMinBytes, takeBack: kernels.takeBack };
    const exe = new Executable(g, kernels, { fusion: 'wasm' });
    try {
      kernels.setThreads(1);
      const one = values(exe.run(flat));
      kernels.setThreads(2);
      kernels.splitMinBytes = 0; // every loop of at least two cache lines is split
      kernels.takeBack = false; // the helper runs its share, never the main thread
      const before = kernels.counters.elementwiseThreaded;
      const two = values(exe.run(flat));
      expect(kernels.counters.elementwiseThreaded - before).to.be.above(5);
      expect(two).to.deep.equal(one);
    } finally {
      exe.dispose();
      Object.assign(kernels, { splitMinBytes: saved.splitMinBytes, takeBack: saved.takeBack });
      kernels.setThreads(saved.threads);
    }
  });

  it('f64 fused loops run as wasm f64x2 SIMD, bit-identical to the JS loops (scalar and same-shape reads, odd size)', () => {
    const kernels = wasmKernels();
    if (!kernels) return;
    // 35 entries: the last vector runs into the slot's padding
    const x = fx.tensor(
      Array.from({ length: 35 }, (_, i) => Math.sin(1.3 * i) * 2.1),
      [7, 5],
      'f64',
    );
    const y = fx.tensor(
      Array.from({ length: 35 }, (_, i) => Math.cos(0.7 * i) * 1.9),
      [7, 5],
      'f64',
    );
    const s = fx.scalar(0.37, 'f64');
    const f = (a: fx.Tensor, b: fx.Tensor, c: fx.Tensor) => {
      const u = fx.where(fx.greater(a, 0), fx.mul(fx.sqrt(fx.abs(a)), b), fx.maximum(a, -0.5));
      const v = fx.div(fx.floor(fx.mul(a, 3)), fx.add(fx.square(b), c));
      return fx.sub(fx.add(u, fx.mul(v, a)), fx.neg(fx.minimum(b, c)));
    };
    const g = fx.makeGraph(
      f,
      [x, y, s].map((t) => ({ shape: t.shape, dtype: t.dtype })),
    );
    const viaWasm = new Executable(g, kernels, { fusion: 'wasm' });
    const viaJs = new Executable(g, kernels, { fusion: 'js' });
    expect(viaWasm.wasmLoopCount).to.be.above(0);
    expect(viaJs.wasmLoopCount).to.equal(0);
    const w = values(viaWasm.run([x, y, s]));
    expect(w).to.deep.equal(values(viaJs.run([x, y, s])));
    expect(relErr(w, on('js', () => f(x, y, s)).dataSync())).to.be.below(1e-15);
    viaWasm.dispose();
    viaJs.dispose();
    // integer powers stay on the JS loops in f64 (Math.pow, as every f64 loop computed them before)
    const cube = fx.makeGraph((a: fx.Tensor) => fx.add(fx.pow(a, 3), 1), [{ shape: x.shape, dtype: x.dtype }]);
    const viaPow = new Executable(cube, kernels, { fusion: 'wasm' });
    expect(viaPow.wasmLoopCount).to.equal(0);
    viaPow.dispose();
  });

  it("integer powers (gelu's x^3, x^-2) fuse into wasm SIMD loops, bit-identical to the JS loops, close to Math.pow", () => {
    const kernels = wasmKernels();
    if (!kernels) return;
    const x = fx.tensor(
      Array.from({ length: 64 }, (_, i) => 0.25 + Math.sin(i) * 1.7),
      [64],
    );
    const f = (z: fx.Tensor) => fx.add(fx.mul(fx.pow(z, 3), 0.044715), fx.pow(fx.add(fx.square(z), 1), -2));
    const g = fx.makeGraph(f, [{ shape: x.shape, dtype: x.dtype }]);
    const viaWasm = new Executable(g, kernels, { fusion: 'wasm' });
    const viaJs = new Executable(g, kernels, { fusion: 'js' });
    expect(viaWasm.wasmLoopCount).to.equal(1);
    const w = values(viaWasm.run([x]));
    expect(w).to.deep.equal(values(viaJs.run([x])));
    expect(relErr(w, on('js', () => f(x)).dataSync())).to.be.below(1e-6);
    viaWasm.dispose();
    viaJs.dispose();
  });

  it('a compiled step reuses its buffers: repeated calls give identical results', () => {
    const step = on('wasm', () => fx.jit(fx.valueAndGrad(pinnLoss)));
    const a = on('wasm', () => values(fx.leaves(step(net.params)[1] as fx.PyTree)));
    const b = on('wasm', () => values(fx.leaves(step(net.params)[1] as fx.PyTree)));
    expect(b).to.deep.equal(a);
  });
});
