// PINN benchmarks: `npx tsx bench/pinn.ts [--steps N] [--quick]`.
// 1) training-step time, 2D Poisson u = sin(pi x) sin(pi y), 4096 collocation points, 2-64-64-64-1 tanh,
//    exact Laplacian by jets, Adam; peers: our own grad-of-grad (hessianTrace) Laplacian step and PyTorch
//    (PyTorch side by side: bench/core.ts with bench/baselines/pinn_step.py); machine limit: matmul GFLOP/s.
// 2) Helmholtz 4x50: plain Adam vs learning-rate annealing (L2 relative error after N steps).
// 3) Burgers: L2 relative error against the PINNacle data after N steps.
// The machine is shared with other developers: timings are noisy.
import * as fx from '../index.js';
import * as pinn from '../pinn/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const trainSteps = arg('--steps', quick ? 50 : 500);

function timeSteps(step: () => void, n: number): number {
  step();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) step();
  return (performance.now() - t0) / n;
}

// ---- 1) Poisson step time ----
const N = 4096;
const hidden = [64, 64, 64];
const tr = new pinn.PinnTrainer(pinn.problems.poisson2dSine(), { net: { hidden }, points: { domain: N, boundary: 256 }, optimizer: { name: 'adam', lr: 1e-3 } });
const timedSteps = quick ? 2 : 5;
const msJet = timeSteps(() => void tr.trainStep(), timedSteps);
// matmul FLOPs of one step: jet of order 2 along 2 axes runs 3 coefficient matmuls per layer on 2N rows,
// the reverse pass costs about twice the forward pass
const layers = [2, ...hidden, 1];
const perRow = layers.slice(1).reduce((s, w, i) => s + 2 * layers[i] * w, 0);
const flops = 3 * (3 * 2 * N * perRow);
console.log(`poisson2d step (jets, ${N} pts, 2-64-64-64-1, backend ${fx.getBackend()}): ${msJet.toFixed(1)} ms/step, ~${(flops / msJet / 1e6).toFixed(2)} GFLOP/s (matmul-only estimate; the wasm GEMM peak on this machine is ~23-72 GFLOP/s)`);

// naive peer of our own: the same loss with the Laplacian by forward-over-reverse (hessianTrace)
{
  const net = fx.nn.mlp({ layers, activation: 'tanh', seed: 0 });
  const pts = pinn.problems.poisson2dSine().domain.sampleInterior(N, 'uniform', 1).data;
  const x = fx.tensor(pts, [N, 2], 'f32');
  const f = fx.tensor(Float32Array.from({ length: N }, (_, i) => 2 * Math.PI ** 2 * Math.sin(Math.PI * pts[2 * i]) * Math.sin(Math.PI * pts[2 * i + 1])), [N], 'f32');
  const u = (p: fx.nn.MlpParams) => (z: fx.Tensor) => fx.reshape(net.apply(p, z), [z.shape[0]]);
  const lossH = (p: fx.nn.MlpParams, xx: fx.Tensor, ff: fx.Tensor) => fx.mean(fx.square(fx.add(fx.hessianTrace(u(p), xx), ff)));
  const lossJ = (p: fx.nn.MlpParams, xx: fx.Tensor, ff: fx.Tensor) => fx.mean(fx.square(fx.add(fx.laplacian(u(p), xx), ff)));
  type Step = (p: fx.PyTree, xx: fx.Tensor, ff: fx.Tensor) => fx.PyTree;
  const jitStep = (loss: typeof lossH): Step => fx.jit(((p: fx.PyTree, xx: fx.Tensor, ff: fx.Tensor) => fx.valueAndGrad(loss)(p as unknown as fx.nn.MlpParams, xx, ff) as unknown as fx.PyTree) as (...a: fx.PyTree[]) => fx.PyTree) as Step;
  const stepH = jitStep(lossH);
  const stepJ = jitStep(lossJ);
  const msH = timeSteps(() => void stepH(net.params as unknown as fx.PyTree, x, f), timedSteps);
  const msJ = timeSteps(() => void stepJ(net.params as unknown as fx.PyTree, x, f), timedSteps);
  console.log(`  loss+grad only: jet Laplacian ${msJ.toFixed(1)} ms, grad-of-grad (hessianTrace) ${msH.toFixed(1)} ms -> jets ${(msH / msJ).toFixed(2)}x faster; trainer overhead (sampling cache, flatten, Adam) ${(msJet - msJ).toFixed(1)} ms`);
}

// The PyTorch peer of this step runs side by side in bench/core.ts (bench/baselines/pinn_step.py).

// ---- 2) Helmholtz plain vs LRA ----
for (const [label, optimizer] of [['plain Adam', { name: 'adam', lr: 1e-3 }], ['LRA', { name: 'lra', lr: 1e-3, alpha: 0.1 }]] as Array<[string, pinn.OptimizerSpec]>) {
  const res = pinn.solve(pinn.problems.helmholtz2d(), {
    net: { hidden: [50, 50, 50, 50] }, points: { domain: quick ? 128 : 512, boundary: quick ? 64 : 256 }, resampleEvery: 1,
    optimizer, steps: trainSteps, evalPoints: 2000,
  });
  const w = res.history[res.history.length - 1].weights;
  console.log(`helmholtz 4x50 ${label}: ${trainSteps} steps, l2re ${res.final.l2re?.toExponential(3)}, ${(res.final.wallTimeS * 1000 / trainSteps).toFixed(1)} ms/step${w ? `, final weights ${JSON.stringify(w)}` : ''}`);
}

// ---- 3) Burgers ----
{
  const res = pinn.solve(pinn.problems.burgers1d(), {
    net: { hidden: [32, 32, 32] }, points: { domain: quick ? 256 : 1024, boundary: 100, initial: 200 }, resampleEvery: 50,
    optimizer: { name: 'adam', lr: 1e-3 }, steps: trainSteps,
  });
  console.log(`burgers: ${trainSteps} steps, l2re vs PINNacle data ${res.final.l2re?.toExponential(3)}, ${(res.final.wallTimeS * 1000 / trainSteps).toFixed(1)} ms/step`);
}
