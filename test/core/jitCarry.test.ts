// fx.jitCarry: a compiled step whose state stays in the compiled graph between calls, checked against the same
// step run functionally (fx.jit, state passed in and out), on the wasm backend (state in the arena, updated in
// place where safe) and on the js backend (state held as tensors).
import { expect } from 'chai';
import * as fx from '../../index.js';
import { Executable } from '../../core/compile/executable.js';
import { wasmKernels } from '../../core/backend/wasm.js';

type S = { a: fx.Tensor; b: fx.Tensor };
const seq = (n: number, k: number) =>
  fx.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(i * k + 1)),
    [n],
    'f32',
  );

// a state update with a GEMM, elementwise work in place (a), a read of the old state after the update (out) and a
// carried value that is the other input's old value (b' = a)
const step = (s: S, x: fx.Tensor): [S, fx.Tensor] => {
  const a2 = fx.add(fx.mul(s.a, 0.5), fx.tanh(x));
  const out = fx.sum(fx.mul(fx.matmul(fx.reshape(s.a, [4, 16]), fx.reshape(s.b, [16, 4])), 3));
  return [{ a: a2, b: s.a }, out];
};

describe('jitCarry', () => {
  const init: S = { a: seq(64, 0.3), b: seq(64, 0.7) };
  const xs = [1, 2, 3, 4, 5].map((k) => seq(64, 0.1 * k));

  /** The reference: the same step with the state passed in and returned. */
  function functional(): { outs: number[]; state: S } {
    const f = fx.jit((s: S, x: fx.Tensor) => step(s, x));
    let s = init;
    const outs = xs.map((x) => {
      const [s2, o] = f(s, x);
      s = s2;
      return o.item();
    });
    return { outs, state: s };
  }

  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: five steps equal the functional step, outputs and state`, () => {
      const ref = fx.withBackend(backend, functional);
      const c = fx.withBackend(backend, () => fx.jitCarry(step, init));
      const outs = xs.map((x) => fx.withBackend(backend, () => c.call(x)).item());
      expect(outs).to.deep.equal(ref.outs);
      expect(Array.from(c.state.a.dataSync())).to.deep.equal(Array.from(ref.state.a.dataSync()));
      expect(Array.from(c.state.b.dataSync())).to.deep.equal(Array.from(ref.state.b.dataSync()));
    });
  }

  it('state can be read and replaced between steps; a new argument shape recompiles and keeps the state', () => {
    const c = fx.jitCarry((s: fx.Tensor, x: fx.Tensor): [fx.Tensor, fx.Tensor] => [fx.add(s, fx.sum(x)), fx.sum(s)], fx.zeros([3]));
    c.call(fx.ones([2]));
    expect(Array.from(c.state.dataSync())).to.deep.equal([2, 2, 2]);
    c.call(fx.ones([5])); // another shape: another compiled graph, which receives the state
    expect(Array.from(c.state.dataSync())).to.deep.equal([7, 7, 7]);
    expect(c.call(fx.ones([2])).item()).to.equal(21); // back on the first graph, with the state moved back
    c.state = fx.tensor([1, 2, 3], [3]);
    expect(c.call(fx.ones([2])).item()).to.equal(6);
    expect(Array.from(c.state.dataSync())).to.deep.equal([3, 4, 5]);
    expect(() => (c.state = fx.zeros([4]))).to.throw("jitCarry state: leaf 0 is f32[4], the state's is f32[3]");
  });

  it('rejects a step whose new state does not match the state', () => {
    const c = fx.jitCarry((s: fx.Tensor): [fx.Tensor, fx.Tensor] => [fx.sum(s), s], fx.zeros([3]));
    expect(() => c.call()).to.throw("jitCarry step: leaf 0 is f32[], the state's is f32[3]");
  });

  it('wasm: an elementwise update is computed in the input buffer; a read of the old value after it prevents that', () => {
    const kernels = wasmKernels();
    if (!kernels) return;
    const n = 1024;
    const avals = [
      { shape: [n], dtype: 'f32' as const },
      { shape: [n], dtype: 'f32' as const },
    ];
    // (no literals: a traced broadcast of a constant is a full-size constant buffer of its own)
    const update = fx.makeGraph((s, x) => [fx.sub(fx.square(s), x)], avals);
    const later = fx.makeGraph((s, x) => [fx.sub(fx.square(s), x), fx.mul(s, x)], avals);
    const bytes = (g: fx.Graph, carry: Array<{ output: number; input: number }>) => new Executable(g, kernels, { carry }).arenaBytes;
    // in place: s and x only; copied: buffers for s' and s x as well
    expect(bytes(update, [{ output: 0, input: 0 }])).to.equal(2 * 4 * n);
    expect(bytes(update, [])).to.equal(3 * 4 * n);
    expect(bytes(later, [{ output: 0, input: 0 }])).to.equal(4 * 4 * n);
    const exe = new Executable(later, kernels, { carry: [{ output: 0, input: 0 }] });
    exe.writeInput(0, new Float32Array(n).fill(2));
    const x = fx.full([n], 3);
    const [sx] = exe.run([fx.zeros([n]), x]);
    expect(sx.dataSync()[7]).to.equal(6); // the old s times x, not the updated s
    expect(exe.readInput(0)[7]).to.equal(1); // s' = 2^2 - 3
    exe.run([fx.zeros([n]), x]);
    expect(exe.readInput(0)[7]).to.equal(-2);
  });
});
