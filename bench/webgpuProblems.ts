// The problems bench/webgpu.ts times on every backend: matmuls, a PINN training step (value-and-grad of a
// Laplacian residual plus an Adam update, test/support/pinnAdamStep.ts) and FNO training steps (1D: truncated
// DFTs; 2D: rfft/irfft). Each entry makes a step for the
// current synchronous backend (wasm in Node, gpu.js webgl2 in the tab) and one for a webgpu backend, whose
// step ends by awaiting a read-back of one output (the loss, or the product) so that it is complete.
// Core-only imports: it bundles for a browser tab.
import * as fx from '../core/index.js';
import { disposeResident, type DeviceTensor, type WebGpuBackend } from '../core/backend/webgpu/index.js';
import { lrHat, pinnProblem } from '../test/support/pinnAdamStep.js';
import { fno, type FnoParams } from '../operators/fno.js';
import { gridCoords, relativeL2 } from '../operators/data.js';

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

/**
 * One SGD step of an FNO on random fields: value-and-grad of the relative L2 loss, then p - lr g. The webgpu one keeps
 * parameters and fields resident, reads back the loss and disposes the old parameters.
 */
function fnoStep(dim: 1 | 2, n: number, width: number, modes: number, batch: number): Problem {
  const model = fno({ dim, modes, width, layers: 4, projection: 2 * width, seed: 0 });
  const grid = dim === 1 ? [n] : [n, n];
  const coords = gridCoords(
    grid,
    Float64Array.from({ length: n }, (_, j) => j / n),
    'f32',
  );
  const [a, y] = [fx.random.normal(1, [batch, ...grid]), fx.random.normal(2, [batch, ...grid])];
  // FnoParams is an interface, not a PyTree by type: the step takes the same object as a PyTree
  const params = model.params as unknown as fx.PyTree;
  const step = (p: fx.PyTree, x: fx.Tensor, t: fx.Tensor): [fx.Tensor, fx.PyTree] => {
    const loss = (q: fx.PyTree) => relativeL2(model.apply(q as unknown as FnoParams, x, coords), t);
    const [value, g] = fx.valueAndGrad(loss)(p) as [fx.Tensor, fx.PyTree];
    return [value, fx.mapTree((w, gw) => fx.sub(w, fx.mul(gw, 1e-3)), p, g)];
  };
  return {
    sync: () => {
      const g = fx.jit(step);
      return () => void g(params, a, y)[0].item();
    },
    webgpu: (gpu) => {
      // Resident<PyTree> is too deep for the checker to expand: the state is typed loosely
      const g = gpu.jit(step) as unknown as (p: unknown, x: DeviceTensor, t: DeviceTensor) => [DeviceTensor, unknown];
      const [ad, yd] = [gpu.upload(a), gpu.upload(y)];
      let p: unknown = params;
      return async () => {
        const [loss, next] = g(p, ad, yd);
        disposeResident(p);
        p = next;
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
  'FNO-1D SGD step (20 x 256 pts, w64 m16 4 layers)': fnoStep(1, 256, 64, 16, 20),
  'FNO-2D SGD step (4 x 32^2 pts, w16 m8 4 layers)': fnoStep(2, 32, 16, 8, 4),
};
