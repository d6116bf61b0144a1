// Browser page for bench/gpu.ts: the same compiled problems as the Node part, timed in one tab on the
// gpu backend (gpu.js webgl2) and on the js backend. Publishes globalThis.fluxionBench.
import { GPU } from 'gpu.js';
import * as fx from '../../core/index.js';
import { registerGpuBackend } from '../../core/backend/gpu.js';
import { mlp, type MlpParams } from '../../nn/mlp.js';

export interface BrowserBench {
  mode: string;
  /** best ms per call, by problem then backend */
  ms: Record<string, Record<string, number>>;
}

function best(reps: number, f: () => void): number {
  f(); // compile
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

function pinnStep(points: number, layers: number[]): () => void {
  const net = mlp({ layers, seed: 0 });
  const x = fx.random.uniform(1, [points, 2]);
  const loss = (p: MlpParams) => fx.mean(fx.square(fx.add(fx.laplacian((z) => net.apply(p, z), x), 1)));
  const step = fx.jit(fx.valueAndGrad(loss));
  return () => void step(net.params);
}

function matmul(n: number): () => void {
  const a = fx.random.normal(1, [n, n]);
  const b = fx.random.normal(2, [n, n]);
  const f = fx.jit((p: fx.Tensor, q: fx.Tensor) => fx.matmul(p, q));
  return () => void f(a, b).dataSync();
}

const { mode } = registerGpuBackend(new GPU({ mode: 'webgl2' }));
const problems: Record<string, () => () => void> = {
  'PINN step (1024 pts, 2-32-32-1)': () => pinnStep(1024, [2, 32, 32, 1]),
  'PINN step (4096 pts, 2-64-64-64-1)': () => pinnStep(4096, [2, 64, 64, 64, 1]),
  'matmul 256^3': () => matmul(256),
};
const ms: BrowserBench['ms'] = {};
for (const [name, make] of Object.entries(problems)) {
  ms[name] = {};
  for (const backend of ['js', 'gpu'] as const) {
    fx.setBackend(backend);
    ms[name][backend === 'gpu' ? `gpu (gpu.js ${mode})` : 'js (in the tab)'] = best(3, make());
  }
}
(globalThis as { fluxionBench?: BrowserBench }).fluxionBench = { mode, ms };
