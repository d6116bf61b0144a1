// The opt-in step profiler of compiled graphs (bench/profile.ts): what it records, and that it changes nothing else.
import { expect } from 'chai';
import * as fx from '../../../index.js';
import { Executable } from '../../../core/compile/executable.js';
import { setStepProfiler, type StepInfo } from '../../../core/compile/profile.js';
import { wasmKernels } from '../../../core/backend/wasm.js';
import { skipBecause } from '../../support/skip.js';

describe('compile/profile: per-step timing of an Executable', () => {
  const kernels = wasmKernels();
  before(function () {
    if (!kernels) skipBecause(this, 'no wasm build');
  });
  afterEach(() => setStepProfiler(null));

  // x [6, 4] @ w [4, 3] (GEMM), tanh (SIMD unary), times 2 plus 1 (one fused loop), sum over rows (reduction)
  const f = (x: fx.Tensor, w: fx.Tensor): fx.Tensor => fx.sum(fx.add(fx.mul(fx.tanh(fx.matmul(x, w)), 2), 1), 0);
  const x = fx.random.normal(1, [6, 4]);
  const w = fx.random.normal(2, [4, 3]);
  const graph = () => fx.makeGraph(f, [x, w]);

  it('records every step once per run with its kind, GEMM flops and bytes, and leaves the results unchanged', () => {
    const k = kernels as NonNullable<typeof kernels>;
    const plain = new Executable(graph(), k);
    const seen: Array<{ info: StepInfo; ms: number }> = [];
    setStepProfiler({ record: (info, ms) => seen.push({ info, ms }) });
    const timed = new Executable(graph(), k);
    setStepProfiler(null);
    const want = plain.run([x, w])[0].dataSync();
    expect(seen, 'building records nothing').to.have.length(0);
    const got = timed.run([x, w])[0].dataSync();
    expect(Array.from(got)).to.deep.equal(Array.from(want));
    const perRun = seen.length;
    const kinds = seen.map((s) => s.info.kind);
    expect(kinds).to.include.members(['gemm', 'unary simd']);
    const gemm = seen.find((s) => s.info.kind === 'gemm')?.info as StepInfo;
    expect(gemm.label).to.equal('gemm f32 6x3x4 NN');
    expect(gemm.flops).to.equal(2 * 6 * 3 * 4);
    expect(gemm.bytes).to.equal((6 * 4 + 4 * 3 + 6 * 3) * 4);
    for (const s of seen) expect(s.ms).to.be.at.least(0);
    timed.run([x, w]);
    expect(seen.length, 'a second run records the same steps again').to.equal(2 * perRun);
    const before = seen.length;
    plain.run([x, w]);
    expect(seen.length, 'an Executable built without the profiler reports nothing').to.equal(before);
    plain.dispose();
    timed.dispose();
  });
});
