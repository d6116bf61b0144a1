// tanh inside generated fused loops (FusionOptions.simdInLoops, core/prims/tanhWasm.ts): the loop renders the SIMD
// kernel's instructions, so it must give the kernel's bits (the reference here is the same graph planned with tanh as its
// own unary pass) and stay within a few f32 ulp of Math.tanh, on both the all-small branch and the selecting one.
import { expect } from 'chai';
import * as fx from '../../../index.js';
import { Executable } from '../../../core/compile/executable.js';
import { wasmKernels } from '../../../core/backend/wasm.js';
import { planFusion, WASM_FUSION, type FusedNode } from '../../../core/compile/fusion.js';
import { wasmEligible } from '../../../core/compile/wasmgen.js';
import { skipBecause } from '../../support/skip.js';

const prims = (n: FusedNode): string[] => (n.kind === 'op' ? [n.prim, ...n.args.flatMap(prims)] : []);

describe('compile: tanh in generated fused loops', () => {
  const kernels = wasmKernels();
  before(function () {
    if (!kernels) skipBecause(this, 'no wasm build');
  });

  // a pre-activation as a GEMM's consumer makes it: x * s + b (b a bias broadcast over rows), then tanh
  const f = (x: fx.Tensor, s: fx.Tensor, b: fx.Tensor): fx.Tensor[] => [fx.tanh(fx.add(fx.mul(x, s), b))];

  /** Rows of 8: special values, a seeded normal spread, and rows of small values only (the kernel's early return). */
  function inputs(): fx.Tensor[] {
    const special = [0, -0, 1e-30, 1e-40, -3e-39, 0.3, 0.625, -0.625, 0.6250001, 1, -1, 5, -9, 9.1, 10, 20, 44, 45, 89, -100];
    special.push(1e30, -1e30, Infinity, -Infinity, NaN, -NaN, 0.62, -0.1);
    const rng = fx.random.normal(7, [256]).dataSync();
    const normal = Array.from(rng, (v) => 3 * v);
    const small = Array.from(rng.slice(0, 64), (v) => 0.2 * Math.tanh(v));
    const data = [...special, ...normal, ...small];
    while (data.length % 8) data.push(0.5);
    const n = data.length / 8;
    return [fx.tensor(data, [n, 8], 'f32'), fx.tensor([1], [], 'f32'), fx.tensor(new Array(8).fill(0), [8], 'f32')];
  }

  function run(xs: fx.Tensor[], simdInLoops: boolean): { out: Float32Array; exe: Executable; kernelPrims: string[] } {
    const g = fx.makeGraph(f, xs);
    const options = { ...WASM_FUSION, simdInLoops };
    const exe = new Executable(g, kernels as NonNullable<typeof kernels>, { fusionOptions: options });
    exe.run(xs);
    const out = exe.run(xs)[0].dataSync() as Float32Array;
    const kernelPrims = planFusion(g, true, options).steps.flatMap((s) => (s.kernel ? prims(s.kernel.tree) : [s.eqn.prim]));
    return { out, exe, kernelPrims };
  }

  it('plans tanh inside the loop that makes its input (one wasm loop, no unary pass)', () => {
    const { exe, kernelPrims } = run(inputs(), true);
    expect(kernelPrims).to.include.members(['tanh', 'add', 'mul']);
    expect(exe.wasmLoopCount).to.equal(1);
    exe.dispose();
    const apart = run(inputs(), false);
    expect(apart.kernelPrims.filter((p) => p === 'tanh')).to.have.length(1);
    apart.exe.dispose();
  });

  it("gives the SIMD kernel's bits, NaN, infinities, signed zeros and subnormals included", () => {
    const xs = inputs();
    const fused = run(xs, true);
    const apart = run(xs, false);
    const diff = Array.from(fused.out).flatMap((v, i) => (Object.is(v, apart.out[i]) ? [] : [[i, v, apart.out[i]]]));
    expect(diff).to.deep.equal([]);
    fused.exe.dispose();
    apart.exe.dispose();
  });

  it('is within 3 f32 ulp of Math.tanh', () => {
    const xs = inputs();
    const { out, exe } = run(xs, true);
    const x = xs[0].dataSync();
    out.forEach((v, i) => {
      const want = Math.fround(Math.tanh(x[i]));
      if (Number.isNaN(want)) expect(v).to.be.NaN;
      else expect(Math.abs(v - want), `tanh(${x[i]})`).to.be.at.most(3 * 2 ** -23 * Math.max(Math.abs(want), 2 ** -126));
    });
    exe.dispose();
  });

  it('stays its own SIMD pass where the loop would not be generated wasm (a bias of 6 channels: a period of 6 lanes)', () => {
    const rows = fx.random.normal(3, [40, 6]);
    const xs = [rows, fx.tensor([1.5], [], 'f32'), fx.random.normal(4, [6])];
    const g = fx.makeGraph(f, xs);
    const steps = planFusion(g, true, WASM_FUSION, wasmEligible).steps;
    expect(steps.map((st) => (st.kernel ? 'loop' : st.eqn.prim))).to.deep.equal(['loop', 'tanh']);
    expect(steps.flatMap((st) => (st.kernel ? prims(st.kernel.tree) : []))).to.not.include('tanh');
    // without the eligibility check the planner would put it in the loop
    expect(planFusion(g, true, WASM_FUSION).steps.map((st) => (st.kernel ? 'loop' : st.eqn.prim))).to.deep.equal(['loop']);
    // and the JS generator never takes it: the same bits as the kernel either way
    const k = kernels as NonNullable<typeof kernels>;
    const viaJs = new Executable(g, k, { fusion: 'js' });
    const apart = new Executable(g, k, { fusionOptions: { ...WASM_FUSION, simdInLoops: false } });
    expect(Array.from(viaJs.run(xs)[0].dataSync())).to.deep.equal(Array.from(apart.run(xs)[0].dataSync()));
    viaJs.dispose();
    apart.dispose();
  });
});
