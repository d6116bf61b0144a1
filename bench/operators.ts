// Neural-operator training throughput: FNO-1D Burgers (paper size: 1000 samples x 256 points, width 64,
// modes 16, batch 20) and DeepONet (antiderivative, 100 sensors). Time per training step and per epoch,
// FLOP estimates and GFLOP/s; peers: the same step eager (no jit) and on the plain-JS backend, and the
// wasm GEMM peak from bench/results-gemm.json. Synthetic data (cost does not depend on the values).
// Run: npx tsx bench/operators.ts [--quick]. The machine has 2 shared cores: numbers are noisy.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as fx from '../index.js';
import { fno, deeponet, gridCoords, relativeL2, type OperatorModel } from '../operators/index.js';
import { medianMs } from './timing.js';

const quick = process.argv.includes('--quick');
const REPS = quick ? 2 : 5;

/** Forward FLOPs of one FNO-1D sample (GEMMs + FFTs at 2.5 n log2 n per real transform). */
function fnoForwardFlops(n: number, width: number, modes: number, layers: number, proj: number): number {
  const fft = 2.5 * n * Math.log2(n);
  const layer = 2 * n * width * width + 2 * modes * (2 * width) * (2 * width) + 2 * width * fft + 2 * n * width;
  return 2 * n * 2 * width + layers * layer + 2 * n * width * proj + 2 * n * proj;
}

/** Forward FLOPs of one DeepONet batch: the branch per sample, the trunk once per batch, the B x P dot products. */
function deeponetForwardFlops(B: number, m: number, P: number, widths: number[]): number {
  let branch = 0;
  let trunk = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    branch += 2 * (l === 0 ? m : widths[l]) * widths[l + 1];
    trunk += 2 * (l === 0 ? 1 : widths[l]) * widths[l + 1];
  }
  return B * branch + P * trunk + 2 * B * P * widths[widths.length - 1];
}

function stepFn<P>(model: OperatorModel<P>, a: fx.Tensor, y: fx.Tensor, coords: fx.Tensor, useJit: boolean): () => void {
  const vg = (p: fx.PyTree, x: fx.Tensor, t: fx.Tensor) =>
    fx.valueAndGrad((q: fx.PyTree) => relativeL2(model.apply(q as P, x, coords), t))(p) as [fx.Tensor, fx.PyTree];
  const f = useJit ? fx.jit(vg) : vg;
  const params = model.params as unknown as fx.PyTree;
  return () => {
    const [v, g] = f(params, a, y);
    v.item();
    fx.leaves(g).forEach((t) => t.dataSync());
  };
}

const gemmPeak = (() => {
  const file = new URL('./results-gemm.json', import.meta.url);
  if (!existsSync(file)) return NaN;
  const r = JSON.parse(readFileSync(file, 'utf8')) as { gemm?: Array<{ gflops: number }> };
  return Math.max(...(r.gemm ?? []).map((g) => g.gflops));
})();

const rows: Array<Record<string, string | number>> = [];
function report(name: string, backend: string, jit: boolean, ms: number, flops: number, stepsPerEpoch: number): void {
  const gflops = flops / ms / 1e6;
  rows.push({
    name,
    backend,
    jit: String(jit),
    'ms/step': +ms.toFixed(1),
    's/epoch': +((ms * stepsPerEpoch) / 1000).toFixed(1),
    'MFLOP/step': +(flops / 1e6).toFixed(0),
    'GFLOP/s': +gflops.toFixed(2),
    '% GEMM peak': +((100 * gflops) / gemmPeak).toFixed(1),
  });
}

const load0 = loadavg()[0];
{
  // FNO-1D Burgers at the paper's size
  const [N, n, width, modes, layers, proj, B] = [1000, 256, 64, 16, 4, 128, 20];
  const model = fno({ dim: 1, modes, width, layers, projection: proj, seed: 0 });
  const a = fx.random.normal(1, [B, n]);
  const y = fx.random.normal(2, [B, n]);
  const coords = gridCoords(
    [n],
    Float64Array.from({ length: n }, (_, j) => j / n),
    'f32',
  );
  const flops = 3 * B * fnoForwardFlops(n, width, modes, layers, proj); // backward ~ 2x forward
  const configs: Array<[string, boolean]> = [
    [fx.getBackend(), true],
    [fx.getBackend(), false],
    ['js', true],
  ];
  for (const [backend, useJit] of configs) {
    if (quick && backend === 'js') continue;
    fx.setBackend(backend as fx.BackendName);
    report(
      `FNO-1D ${N}x${n} w${width} m${modes} b${B}`,
      backend,
      useJit,
      medianMs(backend === 'js' ? 2 : REPS, stepFn(model, a, y, coords, useJit)),
      flops,
      N / B,
    );
  }
  fx.setBackend('wasm');
}
{
  // DeepONet antiderivative: 100 sensors, 100 query points, branch/trunk widths 40, batch 50, 1000 samples
  const [N, m, B, width] = [1000, 100, 50, 40];
  const model = deeponet({ branch: [m, width, width], trunk: [1, width, width], seed: 0 });
  const a = fx.random.normal(3, [B, m]);
  const y = fx.random.normal(4, [B, m]);
  const coords = gridCoords(
    [m],
    Float64Array.from({ length: m }, (_, j) => j / m),
    'f32',
  );
  const flops = 3 * deeponetForwardFlops(B, m, m, [width, width, width]);
  for (const useJit of [true, false])
    report(
      `DeepONet ${N}x${m} w${width} b${B}`,
      fx.getBackend(),
      useJit,
      medianMs(REPS * 4, stepFn(model, a, y, coords, useJit)),
      flops,
      N / B,
    );
}
console.table(rows);
console.log(
  `GEMM peak from bench/results-gemm.json: ${gemmPeak.toFixed(1)} GFLOP/s; load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on 2 shared cores (noisy).`,
);
