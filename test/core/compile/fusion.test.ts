// The wasm executable's fusion options (core/compile/fusion.ts, WASM_FUSION): loops look through reshapes, sum a
// few leading blocks in place (a collapsed jet's sum over directions) and take uniform literals as constants. The
// plans must have fewer stored values and give the same numbers as the plain plan and as op-by-op evaluation.
import { expect } from 'chai';
import * as fx from '../../../index.js';
import { Executable } from '../../../core/compile/executable.js';
import { wasmKernels } from '../../../core/backend/wasm.js';
import { MAX_FUSED_DEPTH, planFusion, WASM_FUSION, type FusedNode } from '../../../core/compile/fusion.js';
import { relErr } from '../../support/check.js';
import { skipBecause } from '../../support/skip.js';

/** P direction blocks of [N, C] values (x), a per-point value d: the collapsed jet of a unary op in miniature. */
function collapsedChain(P: number) {
  return (x: fx.Tensor, d: fx.Tensor): fx.Tensor[] => {
    const [N, C] = d.shape;
    const sq = fx.sum(fx.reshape(fx.square(x), [P, N, C]), 0); // sum over directions of x^2
    const tiled = fx.reshape(fx.broadcastTo(fx.reshape(d, [1, N, C]), [P, N, C]), [P * N, C]);
    return [fx.mul(fx.add(sq, d), d), fx.mul(x, tiled)];
  };
}

const leaves = (n: FusedNode): FusedNode[] => (n.kind === 'op' ? n.args.flatMap(leaves) : [n]);

describe('compile: fusion through reshapes, leading sums and uniform literals', () => {
  const kernels = wasmKernels();
  before(function () {
    if (!kernels) skipBecause(this, 'no wasm build');
  });

  /** Outputs of g compiled with the given options and loop generator (run twice: the arena is reused). */
  function run(f: (...xs: fx.Tensor[]) => fx.Tensor[], xs: fx.Tensor[], fusion: 'wasm' | 'js', plain: boolean): Float64Array[] {
    const g = fx.makeGraph(f, xs);
    const exe = new Executable(g, kernels as NonNullable<typeof kernels>, { fusion, fusionOptions: plain ? {} : WASM_FUSION });
    exe.run(xs);
    const out = exe.run(xs).map((t) => Float64Array.from(t.dataSync()));
    exe.dispose();
    return out;
  }

  it('the sum over 2 direction blocks, its square and the tiled product plan as one loop per stored value', () => {
    const f = collapsedChain(2);
    const g = fx.makeGraph(f, [
      { shape: [2 * 64, 8], dtype: 'f32' },
      { shape: [64, 8], dtype: 'f32' },
    ]);
    const plain = planFusion(g, true);
    const fused = planFusion(g, true, WASM_FUSION);
    const prims = (p: typeof plain) => p.steps.map((s) => (s.kernel ? 'loop' : s.eqn.prim));
    expect(prims(plain)).to.include('reduce_sum');
    // the two outputs, one loop each; the reshape of d stays as the tile's alias
    expect(prims(fused).filter((p) => p !== 'reshape')).to.deep.equal(['loop', 'loop']);
    const sumLoop = fused.steps.find((s) => s.kernel && s.eqn.out.shape.join() === '64,8')?.kernel;
    const shifts = leaves(sumLoop?.tree as FusedNode).flatMap((n) => (n.kind === 'read' ? [n.read.shift ?? 0] : []));
    expect(shifts).to.have.members([0, 0, 512, 512, 0, 0]);
  });

  for (const [P, dtype, N, C] of [
    [2, 'f32', 64, 8],
    [2, 'f64', 64, 8],
    [3, 'f32', 40, 12],
    [2, 'f32', 3, 5], // blocks of 15 elements: not whole vectors, so the loops run as JS
  ] as const) {
    it(`P=${P} ${dtype} [${N}x${C}]: equal to the plain plan and to op-by-op evaluation, wasm and JS loops`, () => {
      const x = fx.cast(fx.random.normal(11, [P * N, C]), dtype);
      const d = fx.cast(fx.random.normal(12, [N, C]), dtype);
      const f = collapsedChain(P);
      const want = f(x, d).map((t) => Float64Array.from(t.dataSync()));
      const plain = run(f, [x, d], 'wasm', true);
      for (const loops of ['wasm', 'js'] as const) {
        const got = run(f, [x, d], loops, false);
        got.forEach((o, i) => {
          // the reduction kernel adds f32 blocks in f64: the same as f32 adds for two blocks, within rounding for more
          if (P === 2) expect(Array.from(o), `output ${i}, ${loops}`).to.deep.equal(Array.from(plain[i]));
          else expect(relErr(o, plain[i]), `output ${i}, ${loops}`).to.be.below(1e-6);
          expect(relErr(o, want[i]), `output ${i} vs op by op`).to.be.below(dtype === 'f64' ? 1e-14 : 1e-6);
        });
      }
    });
  }

  it('a periodic read inside a shifted block wraps at its period (blocks of 12, a row of 8 broadcast)', () => {
    const f = (s: fx.Tensor, y: fx.Tensor) => [fx.sum(fx.reshape(fx.mul(fx.broadcastTo(s, [3, 8]), y), [2, 12]), 0)];
    const s = fx.random.normal(5, [8]);
    const y = fx.random.normal(6, [3, 8]);
    const want = Array.from(f(s, y)[0].dataSync());
    for (const loops of ['wasm', 'js'] as const) expect(Array.from(run(f, [s, y], loops, false)[0]), loops).to.deep.equal(want);
  });

  for (const C of [64, 12])
    it(`a bias of ${C} channels read periodically (${C === 64 ? 'a power-of-two' : 'any other'} period) equals the JS loops and eager evaluation`, () => {
      const f = (b: fx.Tensor, y: fx.Tensor) => [fx.mul(fx.add(fx.mul(y, 1.5), fx.broadcastTo(b, [9, C])), fx.broadcastTo(b, [9, C]))];
      const b = fx.random.normal(7, [C]);
      const y = fx.random.normal(8, [9, C]);
      const want = Array.from(f(b, y)[0].dataSync());
      for (const loops of ['wasm', 'js'] as const) expect(Array.from(run(f, [b, y], loops, false)[0]), loops).to.deep.equal(want);
    });

  it('a cheap value read by several loops and through a broadcast is recomputed in each, not stored', () => {
    // d = 1 - y^2 as tanh's derivative: read by a same-size loop, by a tiled (broadcast) product and late again
    const f = (y: fx.Tensor, z1: fx.Tensor, z2: fx.Tensor) => {
      const [N, C] = y.shape;
      const d = fx.sub(1, fx.square(y));
      const tiled = fx.reshape(fx.broadcastTo(fx.reshape(d, [1, N, C]), [2, N, C]), [2 * N, C]);
      const first = fx.mul(z1, tiled);
      const second = fx.mul(z2, d);
      const g = fx.matmul(second, fx.transpose(fx.sliceAxis(first, 0, 0, C), [1, 0])); // an unfusable step between
      return [first, fx.add(fx.mul(d, y), fx.sum(g))];
    };
    const avals = [
      { shape: [16, 8], dtype: 'f32' as const },
      { shape: [32, 8], dtype: 'f32' as const },
      { shape: [16, 8], dtype: 'f32' as const },
    ];
    const g = fx.makeGraph(f, avals);
    const stored = (opts: typeof WASM_FUSION) => planFusion(g, true, opts).steps.filter((s) => s.kernel).length;
    expect(stored(WASM_FUSION)).to.equal(stored({ ...WASM_FUSION, rematOps: 0 }) - 1);
    const xs = avals.map((a, i) => fx.random.normal(20 + i, [...a.shape]));
    const want = run(f, xs, 'wasm', true);
    for (const loops of ['wasm', 'js'] as const) expect(run(f, xs, loops, false), loops).to.deep.equal(want);
  });

  it('a sum over directions read by two loops is recomputed in each, but stored where a broadcast would read it', () => {
    const f =
      (tile: boolean) =>
      (z1: fx.Tensor, y: fx.Tensor, w: fx.Tensor): fx.Tensor[] => {
        const [N, C] = y.shape;
        const s = fx.sum(fx.reshape(fx.square(z1), [2, N, C]), 0);
        const b = fx.matmul(fx.mul(s, y), w); // an unfusable step; z1 is read after it anyway
        const out = [fx.add(fx.mul(s, b), fx.sum(z1))];
        if (tile) out.push(fx.mul(fx.reshape(fx.broadcastTo(fx.reshape(s, [1, N, C]), [2, N, C]), [2 * N, C]), z1));
        return out;
      };
    const avals = [
      { shape: [32, 8], dtype: 'f32' as const },
      { shape: [16, 8], dtype: 'f32' as const },
      { shape: [8, 8], dtype: 'f32' as const },
    ];
    const sumStored = (tile: boolean) =>
      planFusion(fx.makeGraph(f(tile), avals), true, WASM_FUSION).steps.some(
        (st) => st.eqn.prim === 'reduce_sum' && st.eqn.out.shape.length === 2,
      );
    expect(sumStored(false)).to.equal(false);
    expect(sumStored(true)).to.equal(true); // the tiled product reads it periodically
    const xs = avals.map((a, i) => fx.random.normal(30 + i, [...a.shape]));
    for (const tile of [false, true]) expect(run(f(tile), xs, 'wasm', false)).to.deep.equal(run(f(tile), xs, 'wasm', true));
  });

  it('a value whose input would otherwise be freed earlier is stored (no lifetime grows)', () => {
    // a is last read by d; d is read again after a matmul: recomputing d there would keep a alive
    const f = (a: fx.Tensor, w: fx.Tensor) => {
      const d = fx.sub(1, fx.square(a));
      const h = fx.matmul(fx.mul(d, 2), w);
      return [fx.mul(h, d)];
    };
    const g = fx.makeGraph(f, [
      { shape: [8, 8], dtype: 'f32' },
      { shape: [8, 8], dtype: 'f32' },
    ]);
    const loops = planFusion(g, true, WASM_FUSION).steps.filter((s) => s.kernel);
    expect(loops).to.have.length(3); // d, 2d and h*d
  });

  it('the PINN step (Poisson, exact Laplacian by a collapsed jet, tanh MLP): fewer loops, bitwise the same value and gradients', () => {
    const net = fx.nn.mlp({ layers: [2, 16, 16, 1], seed: 1 });
    const x = fx.random.uniform(2, [64, 2]);
    const leaves = [net.params.map((l) => l.W), net.params.map((l) => l.b)].flat();
    const L = net.params.length;
    const f = (...ps: fx.Tensor[]) => {
      const p = ps.slice(0, L).map((W, i) => ({ W, b: ps[L + i] }));
      const loss = (q: typeof p) =>
        fx.mean(
          fx.square(
            fx.add(
              fx.laplacian((z) => net.apply(q, z), x),
              1,
            ),
          ),
        );
      const [v, grads] = fx.valueAndGrad(loss)(p) as [fx.Tensor, typeof p];
      return [v, ...grads.map((l) => l.W), ...grads.map((l) => l.b)];
    };
    const g = fx.makeGraph(f, leaves);
    const loops = (opts: typeof WASM_FUSION) => planFusion(g, true, opts).steps.filter((s) => s.kernel).length;
    expect(loops(WASM_FUSION)).to.be.below(loops({}) * 0.8); // 53 -> 41 loops when written
    expect(run(f, leaves, 'wasm', false)).to.deep.equal(run(f, leaves, 'wasm', true));
  });

  it('a repeated subtree in the condition and a branch of a where (rendered branches first) gives the op-by-op values', () => {
    // where's wasm code evaluates its branches before its condition: the subtree computed once into a local must be
    // stored before any read of that local, whatever order the primitive places its arguments in
    const f = (x: fx.Tensor, y: fx.Tensor) => {
      const xy = () => fx.mul(x, y); // traced twice: two equal subtrees of one loop
      return [fx.where(fx.greater(xy(), 0), fx.add(xy(), 1), fx.sub(y, x))];
    };
    for (const dtype of ['f32', 'f64'] as const) {
      const xs = [fx.cast(fx.random.normal(41, [16, 8]), dtype), fx.cast(fx.random.normal(42, [16, 8]), dtype)];
      const want = f(xs[0], xs[1]).map((t) => Float64Array.from(t.dataSync()));
      const g = fx.makeGraph(f, xs);
      expect(planFusion(g, true, WASM_FUSION).steps.filter((s) => s.kernel)).to.have.length(1);
      for (const loops of ['wasm', 'js'] as const) expect(run(f, xs, loops, false), `${dtype} ${loops}`).to.deep.equal(want);
    }
  });

  it('a stop_gradient whose loop computes its input inline (a reshape read through, a product) runs, not aliased', () => {
    // the executable shares a stop_gradient's bytes with its input only where the plan stores that input
    const f = (x: fx.Tensor, y: fx.Tensor): fx.Tensor[] => {
      const r = fx.reshape(x, [2, 64]); // read through by both consumers: never stored
      const s = fx.stopGradient(r);
      const p = fx.stopGradient(fx.mul(x, y)); // the product only feeds the stop_gradient: inlined into its loop
      return [s, p, fx.add(fx.reshape(s, [128]), 1), fx.sub(r, 2), fx.mul(p, 3)]; // s and p stored: outputs
    };
    const xs = [fx.random.normal(51, [128]), fx.random.normal(52, [128])];
    const want = f(xs[0], xs[1]).map((t) => Float64Array.from(t.dataSync()));
    for (const plain of [false, true])
      for (const loops of ['wasm', 'js'] as const) expect(run(f, xs, loops, plain), `${loops}, plain ${plain}`).to.deep.equal(want);
  });

  it('a chain of 5000 single-use ops (an unrolled solver) is cut into loops of bounded depth and gives the op-by-op values', () => {
    const f = (x: fx.Tensor) => {
      let y = x;
      for (let k = 0; k < 2500; k++) y = fx.add(fx.mul(y, 0.999), 0.001);
      return [y];
    };
    const x = fx.random.normal(5, [4, 8], 'f64');
    const treeDepth = (n: FusedNode): number => (n.kind === 'op' ? 1 + Math.max(...n.args.map(treeDepth)) : 0);
    const loops = planFusion(fx.makeGraph(f, [x]), true, WASM_FUSION).steps.filter((st) => st.kernel);
    expect(loops.length).to.be.at.least(5000 / MAX_FUSED_DEPTH);
    for (const l of loops) expect(treeDepth(l.kernel?.tree as FusedNode)).to.be.at.most(MAX_FUSED_DEPTH);
    const want = Float64Array.from(f(x)[0].dataSync());
    for (const kind of ['wasm', 'js'] as const) expect(relErr(run(f, [x], kind, false)[0], want), kind).to.be.below(1e-14);
  });

  it('a sum over more blocks than leadingSumMax stays a reduction', () => {
    const g = fx.makeGraph(collapsedChain(9), [
      { shape: [9 * 4, 4], dtype: 'f32' },
      { shape: [4, 4], dtype: 'f32' },
    ]);
    expect(planFusion(g, true, WASM_FUSION).steps.some((s) => s.eqn.prim === 'reduce_sum')).to.equal(true);
  });

  it('a uniform literal is a constant of the loop, a varying one stays an input', () => {
    const ones = fx.tensor(new Array(32).fill(1), [4, 8]);
    const ramp = fx.tensor(
      Array.from({ length: 32 }, (_, i) => i),
      [4, 8],
    );
    const f = (x: fx.Tensor) => [fx.mul(fx.sub(ones, fx.square(x)), ramp)];
    const g = fx.makeGraph(f, [{ shape: [4, 8], dtype: 'f32' }]);
    const k = planFusion(g, true, WASM_FUSION).steps.find((s) => s.kernel)?.kernel;
    expect(k?.inputs).to.have.length(2); // x and the ramp
    expect(leaves(k?.tree as FusedNode).some((n) => n.kind === 'const' && n.value === 1)).to.equal(true);
    const x = fx.random.normal(3, [4, 8]);
    expect(run(f, [x], 'wasm', false)).to.deep.equal(run(f, [x], 'wasm', true));
  });
});
