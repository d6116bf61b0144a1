// The problems bench/webgpu.ts times on every backend: matmuls and a PINN training step (value-and-grad of a
// Laplacian residual plus an Adam update, test/support/pinnAdamStep.ts). Each entry makes a step for the
// current synchronous backend (wasm in Node, gpu.js webgl2 in the tab) and one for a webgpu backend, whose
// step ends by awaiting a read-back of one output (the loss, or the product) so that it is complete.
// Core-only imports: it bundles for a browser tab.
import * as fx from '../core/index.js';
import { disposeResident, type WebGpuBackend } from '../core/backend/webgpu/index.js';
import { lrHat, pinnProblem } from '../test/support/pinnAdamStep.js';

export interface Problem {
  sync: () => () => void;
  webgpu: (gpu: WebGpuBackend) => () => Promise<unknown>;
  /** floating-point operations of one call, where counted (matmul) */
  flops?: number;
}

function matmul(n: number): Problem {
  const a = fx.random.normal(1, [n, n]);
  const b = fx.random.normal(2, [n, n]);
  const f = (p: fx.Tensor, q: fx.Tensor) => fx.matmul(p, q);
  return {
    flops: 2 * n ** 3,
    sync: () => {
      const g = fx.jit(f);
      return () => void g(a, b).dataSync();
    },
    webgpu: (gpu) => {
      const g = gpu.jit(f);
      const [ad, bd] = [gpu.upload(a), gpu.upload(b)];
      return () => g(ad, bd).data();
    },
  };
}

/**
 * One Adam step; the webgpu one keeps parameters, moments and points resident, reads back the loss and disposes
 * the old state, so its steps create no buffers.
 */
function pinnStep(points: number, layers: number[]): Problem {
  const { state, x, step } = pinnProblem(points, layers);
  const lr = lrHat(1);
  return {
    sync: () => {
      const g = fx.jit(step);
      return () => void g(state, x, lr)[0].item();
    },
    webgpu: (gpu) => {
      const g = gpu.jit(step);
      const xd = gpu.upload(x);
      let s: Parameters<typeof g>[0] = state;
      return async () => {
        const [loss, next] = g(s, xd, lr);
        disposeResident(s); // as a training loop would: the next step's outputs reuse the buffers
        s = next;
        await loss.data();
        loss.dispose();
      };
    },
  };
}

export const webgpuProblems: Record<string, Problem> = {
  'matmul 256^3': matmul(256),
  'matmul 512^3': matmul(512),
  'PINN Adam step (1024 pts, 2-32-32-1)': pinnStep(1024, [2, 32, 32, 1]),
  'PINN Adam step (4096 pts, 2-64-64-64-1)': pinnStep(4096, [2, 64, 64, 64, 1]),
};
