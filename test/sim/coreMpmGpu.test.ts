// The core MLS-MPM rollout on the gpu backend (gpu.js 'cpu' mode: the kernel sources gpu.js translates for a real
// GPU) against the wasm backend, in f32 (the gpu backend's device dtype): forward states and a rollout gradient.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { Mulberry32 } from '../../core/random.js';
import { createNodeGpuBackend } from '../../core/backend/gpuNode.js';
import { GpuExecutable } from '../../core/compile/gpuExecutable.js';
import { inlineCustom } from '../../core/compile/inline.js';
import type { GpuBackend } from '../../core/backend/gpu.js';
import { wasmKernels } from '../../core/backend/wasm.js';
import { coreMpm, mpmRollout, packState, unpackState } from '../../sim/coreMpm/index.js';
import { scaledErr } from '../support/check.js';

const peer = wasmKernels() ? 'wasm' : 'js';

function on<T>(backend: string, f: () => T): T {
  const before = fx.getBackend();
  fx.setBackend(backend as 'wasm' | 'gpu' | 'js');
  try {
    return f();
  } finally {
    fx.setBackend(before as 'wasm' | 'gpu' | 'js');
  }
}

describe("sim/coreMpm on the gpu backend (gpu.js 'cpu' mode) vs wasm, f32", () => {
  before(() => {
    // the particle-grid transfers on device too (gpu.js's CPU modes keep them on the host by default: core/backend/gpu.ts)
    createNodeGpuBackend('cpu').hostOnly.clear();
  });
  after(() => fx.setBackend(peer));

  const n = 16;
  const steps = 4;
  const rng = new Mulberry32(5);
  const draw = (dim: number, f: () => number) => fx.tensor(Float32Array.from({ length: dim * n }, f), [dim, n], 'f32');
  const inputs = [2, 3].map((dim) => ({
    x0: draw(dim, () => 0.4 + 0.2 * rng.next()),
    v0: draw(dim, () => 0.3 * rng.normal()),
    w: draw(dim, () => rng.normal()),
  }));

  for (const [dim, material] of [
    [2, 'fixedCorotated'],
    [2, 'snow'],
    [3, 'fixedCorotated'],
  ] as const) {
    const { x0, v0, w } = inputs[dim - 2];
    const sim = coreMpm({ nGrid: dim === 2 ? 12 : 8, nParticles: n, dim, dtype: 'f32', material, E: 400, nu: 0.3, dt: 2e-4 });
    const { E, nu } = sim.params();
    const loss = (x: fx.Tensor, e: fx.Tensor) =>
      fx.sum(fx.mul(w, mpmRollout(sim, sim.initialState(x, v0), { E: e, nu }, steps, { segment: 2 }).x));

    it(`${dim}D ${material}: jitted steps and the rollout gradient agree with wasm (f32 rounding)`, () => {
      const run = () => {
        const step = fx.jit(sim.step);
        let s = sim.initialState(x0, v0);
        for (let t = 0; t < steps; t++) s = step(s, { E, nu });
        return packState(s).dataSync();
      };
      expect(scaledErr(on('gpu', run), on(peer, run), 0)).to.be.below(1e-5);
      const grad = () => (fx.grad(loss, [0, 1])(x0, E) as fx.Tensor[]).flatMap((t) => Array.from(t.dataSync()));
      expect(scaledErr(on('gpu', grad), on(peer, grad), 0)).to.be.below(1e-4);
    });

    it(`${dim}D ${material}: every step of the compiled step runs on device, the particle-grid transfers included`, () => {
      const S = packState(sim.initialState(x0, v0)).size;
      const g = fx.makeGraph(
        (s, e, v) => packState(sim.step(unpackState(s, sim.shape), { E: e, nu: v })),
        [
          { shape: [S], dtype: 'f32' },
          { shape: [], dtype: 'f32' },
          { shape: [], dtype: 'f32' },
        ],
      );
      const exe = on('gpu', () => new GpuExecutable(inlineCustom(g), fx.findBackend('gpu') as GpuBackend));
      // as the gpu backend compiles it (custom functions spliced in); P2G runs in gather form (core/backend/gpu/bspline.ts)
      expect(exe.hostSteps).to.deep.equal([]);
      expect(exe.kernelCount).to.be.above(50);
    });
  }
});
