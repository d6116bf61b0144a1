// The B-spline particle-grid transfer (bspline_transfer) as gpu.js kernels (core/backend/gpu/bspline.ts) against the
// wasm backend in f32, through gpu.js's 'cpu' and 'webasm' modes (the kernel sources gpu.js translates for a real
// GPU, with the CPU modes' default of keeping the transfer on the host cleared): every first-order slot in 2D and 3D,
// eager and compiled, a gradient through P2G and G2P, the host's grid check before a device kernel, and what stays on
// the host (transfers with tangents, a P2G too large to gather, a primitive named in hostOnly).
import { expect } from 'chai';
import * as fx from '../../index.js';
import { bind } from '../../core/trace.js';
import { createNodeGpuBackend } from '../../core/backend/gpuNode.js';
import type { GpuBackend } from '../../core/backend/gpu.js';
import { GpuExecutable } from '../../core/compile/gpuExecutable.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import { TRANSFER_MAX_WORK } from '../../core/backend/gpu/bspline.js';
import type { TransferSlot } from '../../core/kernels/bspline.js';
import { Mulberry32 } from '../../core/random.js';
import { sizeOf } from '../../core/shape.js';
import { relErr } from '../support/check.js';

const peer = wasmKernels() ? 'wasm' : 'js';
const slots: TransferSlot[] = ['grid', 'coef', 'pos', 'pos+coef', 'pos+grid'];
const transfer =
  (nGrid: number, free: TransferSlot, tangents = 0) =>
  (...xs: fx.Tensor[]) =>
    bind('bspline_transfer', xs, { nGrid, free, tangents });
const graphOf = (f: (...xs: fx.Tensor[]) => fx.Tensor, xs: readonly fx.Tensor[]) =>
  fx.makeGraph(
    f,
    xs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );

/** Particles strictly inside the grid, coefficients and grid values of one seeded case. */
function problem(d: number, n: number, c: number, nGrid: number, seed: number) {
  const rng = new Mulberry32(seed);
  const draw = (shape: number[], f: () => number) => fx.tensor(Float32Array.from({ length: sizeOf(shape) }, f), shape, 'f32');
  const lo = 0.5 / nGrid;
  const hi = 1 - 1.5 / nGrid;
  return {
    x: draw([d, n], () => lo + 0.01 + (hi - lo - 0.02) * rng.next()),
    A: draw([c, 1 + d, n], () => rng.normal()),
    g: draw([c, nGrid ** d], () => rng.normal()),
  };
}

const inputsOf = (free: TransferSlot, q: ReturnType<typeof problem>): fx.Tensor[] => [
  q.x,
  ...(free === 'coef' ? [] : [q.A]),
  ...(free === 'grid' ? [] : [q.g]),
];

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`bspline_transfer on the gpu backend (gpu.js '${mode}' mode) vs ${peer}, f32`, () => {
    let gpu: GpuBackend;
    before(() => {
      gpu = createNodeGpuBackend(mode);
      // in gpu.js's CPU modes the transfer stays on the host by default (core/backend/gpu.ts): these tests are of its kernels
      expect([...gpu.hostOnly]).to.deep.equal(['bspline_transfer']);
      gpu.hostOnly.clear();
    });
    after(() => fx.setBackend(peer));

    for (const [d, nGrid] of [
      [2, 8],
      [3, 6],
    ] as const) {
      it(`${d}D: every slot, eager and compiled, on device and equal to ${peer} (1e-6; measured <= 6e-8)`, () => {
        const q = problem(d, 13, 2, nGrid, 3 + d);
        for (const free of slots) {
          const f = transfer(nGrid, free);
          const xs = inputsOf(free, q);
          const ref = fx.withBackend(peer, () => f(...xs)).dataSync();
          const exe = new GpuExecutable(graphOf(f, xs), gpu);
          expect(exe.hostSteps, free).to.deep.equal([]);
          expect(exe.kernelCount, free).to.equal(1);
          expect(relErr(exe.run(xs)[0].dataSync(), ref), `${free} compiled`).to.be.below(1e-6);
          expect(relErr(fx.withBackend('gpu', () => f(...xs)).dataSync(), ref), `${free} eager`).to.be.below(1e-6);
          // the output is not trivially zero
          expect(Math.max(...Array.from(ref, Math.abs)), free).to.be.above(1e-3);
        }
      });
    }

    it('2D: a gradient through P2G, a grid op and G2P runs every transfer on device and equals the reference (1e-5)', () => {
      const nGrid = 8;
      const q = problem(2, 17, 3, nGrid, 11);
      const w = fx.tensor(
        Float32Array.from({ length: 3 * 3 * 17 }, (_, i) => Math.sin(i)),
        [3, 3, 17],
        'f32',
      );
      const loss = (x: fx.Tensor, A: fx.Tensor) => {
        const grid = fx.tanh(fx.bsplineP2G(x, A, nGrid));
        return fx.sum(fx.mul(fx.bsplineG2P(x, grid, nGrid), w));
      };
      const vg = (x: fx.Tensor, A: fx.Tensor) => {
        const [v, g] = fx.valueAndGrad(loss, [0, 1])(x, A) as [fx.Tensor, fx.Tensor[]];
        return [v, ...g];
      };
      const flat = (ts: fx.Tensor[]) => ts.flatMap((t) => Array.from(t.dataSync()));
      const ref = flat(fx.withBackend(peer, () => fx.jit(vg)(q.x, q.A)));
      const graph = fx.makeGraph(vg, [
        { shape: q.x.shape, dtype: 'f32' },
        { shape: q.A.shape, dtype: 'f32' },
      ]);
      const exe = new GpuExecutable(graph, gpu);
      expect(exe.hostSteps).to.deep.equal([]);
      expect(relErr(flat(exe.run([q.x, q.A])), ref)).to.be.below(1e-5);
    });

    it('a particle off the grid raises the reference loops RangeError (eager and compiled)', () => {
      const nGrid = 8;
      const q = problem(2, 5, 1, nGrid, 2);
      const bad = fx.tensor(
        Float32Array.from(q.x.dataSync(), (v, i) => (i === 5 + 3 ? 0.95 : v)),
        [2, 5],
        'f32',
      );
      const f = transfer(nGrid, 'coef');
      const message = /particle 3 at 0\.949\d* \(axis 1\) is outside the grid/;
      expect(() => fx.withBackend(peer, () => f(bad, q.g))).to.throw(RangeError, message);
      expect(() => fx.withBackend('gpu', () => f(bad, q.g))).to.throw(RangeError, message);
      expect(() => new GpuExecutable(graphOf(f, [bad, q.g]), gpu).run([bad, q.g])).to.throw(RangeError, message);
    });

    it('stay on the host: transfers with tangents, a P2G past TRANSFER_MAX_WORK, and primitives named in hostOnly', () => {
      const nGrid = 8;
      const q = problem(2, 9, 1, nGrid, 5);
      const t = transfer(nGrid, 'coef', 1);
      const xs = [q.x, q.g, fx.tensor(Float32Array.from(q.x.dataSync(), Math.cos), [2, 9], 'f32')];
      const exe = new GpuExecutable(graphOf(t, xs), gpu);
      expect(exe.hostSteps).to.deep.equal(['bspline_transfer']);
      expect(relErr(exe.run(xs)[0].dataSync(), fx.withBackend(peer, () => t(...xs)).dataSync())).to.be.below(1e-6);
      // 64^2 cells x 3 channels x 2^11 particles = 2^24.6 particle tests
      const big = problem(2, 1 << 11, 3, 64, 6);
      expect(3 * 64 ** 2 * (1 << 11)).to.be.above(TRANSFER_MAX_WORK);
      expect(new GpuExecutable(graphOf(transfer(64, 'grid'), [big.x, big.A]), gpu).hostSteps).to.deep.equal(['bspline_transfer']);
      gpu.hostOnly.add('bspline_transfer');
      try {
        expect(new GpuExecutable(graphOf(transfer(nGrid, 'grid'), [q.x, q.A]), gpu).hostSteps).to.deep.equal(['bspline_transfer']);
      } finally {
        gpu.hostOnly.delete('bspline_transfer');
      }
      expect(new GpuExecutable(graphOf(transfer(nGrid, 'grid'), [q.x, q.A]), gpu).hostSteps).to.deep.equal([]);
    });
  });
}
