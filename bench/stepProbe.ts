// One process's measurement of the core's hot paths through the public API only (so the same file runs
// against any checkout): the PINN training step (compile time of jit and median step), and GEMM through
// fx.matmul. Prints one JSON line. Used by bench/sideBySide.ts; run alone: npx tsx bench/stepProbe.ts
import { pathToFileURL } from 'node:url';
import * as fx from '../index.js';
import { medianMs as median } from './timing.js';

/** The PINN step's problem: 2D Poisson, 4096 points, 2-64-64-64-1 tanh MLP, exact Laplacian (also bench/core.ts's,
 * which also runs issue 24's wider case: 8192 points, 2-128x4-1). */
export function poissonStepProblem(points = 4096, layers: readonly number[] = [2, 64, 64, 64, 1]) {
  const net = fx.nn.mlp({ layers: [...layers], seed: 0 });
  const x = fx.random.uniform(1, [points, 2]);
  const col = (i: number) => fx.mul(fx.sliceAxis(x, 1, i, i + 1), Math.PI);
  const f = fx.mul(fx.mul(fx.sin(col(0)), fx.sin(col(1))), 2 * Math.PI ** 2);
  const loss = (p: fx.nn.MlpParams) =>
    fx.mean(
      fx.square(
        fx.add(
          fx.laplacian((z) => net.apply(p, z), x),
          f,
        ),
      ),
    );
  return { net, loss };
}

/** Issue 24's FNO-1D (the FNO paper's Burgers size): lift to 64, 4 Fourier layers of 16 modes, projection 128. */
export const fnoStepModel = () => fx.operators.fno({ dim: 1, modes: 16, width: 64, layers: 4, projection: 128, seed: 0 });

/** Issue 24's FNO-1D step problem (bench/fno.ts, bench/profile.ts): batch 20, lift to 64, 4 Fourier layers of 16
 * modes, projection 128, on n grid points; random inputs and targets (the cost does not depend on the values). */
export function fnoStepProblem(n: number) {
  const model = fnoStepModel();
  return { model, a: fx.random.normal(1, [20, n]), y: fx.random.normal(2, [20, n]) };
}

/**
 * Issue 24's FNO-1D training step as bench/fno.ts times it: the MSE, its gradient and Adam (lr 1e-3) as one compiled
 * step (fx.optim.FusedAdam, as the operator trainer runs it) with the moments kept in wasm memory. Compiled at the
 * first call.
 */
export function fnoTrainingStep(n: number): () => void {
  const { model, a, y } = fnoStepProblem(n);
  type P = typeof model.params;
  const lossAndGrad = (p: P): [[fx.Tensor, fx.Tensor], P] => {
    const loss = (q: fx.PyTree) => fx.mean(fx.square(fx.sub(model.applyOnGrid(q as unknown as P, a), y)));
    const [value, grads] = fx.valueAndGrad(loss)(p as unknown as fx.PyTree) as [fx.Tensor, fx.PyTree];
    return [[value, value], grads as unknown as P];
  };
  const adam = new fx.optim.FusedAdam(lossAndGrad, model.params, { lr: 1e-3 });
  return () => {
    adam.update()[0].item();
  };
}

function pinnStep(): { compileMs: number; stepMs: number } {
  const { net, loss } = poissonStepProblem();
  const valueAndGrad = fx.jit(fx.valueAndGrad(loss));
  const t0 = performance.now();
  valueAndGrad(net.params);
  const compileMs = performance.now() - t0;
  const reps = Number(process.env.PROBE_REPS ?? 15);
  return { compileMs, stepMs: median(reps, () => valueAndGrad(net.params)) };
}

function gemmGflops(n: number): number {
  const a = fx.random.normal(1, [n, n]);
  const b = fx.random.normal(2, [n, n]);
  fx.matmul(a, b);
  const ms = median(9, () => fx.matmul(a, b));
  return (2 * n ** 3) / (ms * 1e6);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const pinn = pinnStep();
  console.log(JSON.stringify({ ...pinn, gemm256: gemmGflops(256), gemm1024: gemmGflops(1024) }));
}
