// The compiled hot paths that `fluxion bench` and bench/gpu.ts (its Node part and its browser page) time,
// so all of them measure the same graphs. Core-only imports: it bundles for a browser tab too.
import * as fx from '../core/index.js';
import { mlp, type MlpParams } from '../nn/mlp.js';

/** A compiled value-and-grad of a 2D Poisson PINN loss (exact Laplacian), called on fixed params. */
function pinnStep(points: number, layers: number[]): () => void {
  const net = mlp({ layers, seed: 0 });
  const x = fx.random.uniform(1, [points, 2]);
  const loss = (p: MlpParams) =>
    fx.mean(
      fx.square(
        fx.add(
          fx.laplacian((z) => net.apply(p, z), x),
          1,
        ),
      ),
    );
  const step = fx.jit(fx.valueAndGrad(loss));
  return () => void step(net.params);
}

function matmul(n: number): () => void {
  const a = fx.random.normal(1, [n, n]);
  const b = fx.random.normal(2, [n, n]);
  const f = fx.jit((p: fx.Tensor, q: fx.Tensor) => fx.matmul(p, q));
  return () => void f(a, b).dataSync();
}

export const MATMUL_N = 256;

/** Each entry builds a step to time (traced and compiled for the current backend on its first call). */
export const benchProblems: Record<string, () => () => void> = {
  'PINN step (1024 pts, 2-32-32-1)': () => pinnStep(1024, [2, 32, 32, 1]),
  'PINN step (4096 pts, 2-64-64-64-1)': () => pinnStep(4096, [2, 64, 64, 64, 1]),
  [`matmul ${MATMUL_N}^3`]: () => matmul(MATMUL_N),
};
