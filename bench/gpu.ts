// The gpu backend in Node, where no GPU context exists: gpu.js runs the same generated kernels in
// its 'webasm' (WebAssembly f32x4) and 'cpu' (JavaScript) modes. Measured side by side with the wasm
// backend (our hand-written SIMD kernels) on a compiled PINN step and on one 512^3 matmul, plus the
// matmul's GFLOP/s against the machine's GEMM figure. WebGL2 timings come from the browser demo's
// end-to-end test (test/viewer/demo.test.ts prints them). Run: npx tsx bench/gpu.ts [--quick]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { createNodeGpuBackend } from '../core/backend/gpu-node.js';
import { best } from './timing.js';

const quick = process.argv.includes('--quick');
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** A compiled value-and-grad of a 2D Poisson PINN loss (exact Laplacian), called on fixed params. */
function pinnStep(points: number, layers: number[]): () => void {
  const net = fx.nn.mlp({ layers, seed: 0 });
  const x = fx.random.uniform(1, [points, 2]);
  const loss = (p: fx.nn.MlpParams) => fx.mean(fx.square(fx.add(fx.laplacian((z) => net.apply(p, z), x), 1)));
  const step = fx.jit(fx.valueAndGrad(loss));
  return () => void step(net.params);
}

function matmul(n: number): () => void {
  const a = fx.random.normal(1, [n, n]);
  const b = fx.random.normal(2, [n, n]);
  const f = fx.jit((p: fx.Tensor, q: fx.Tensor) => fx.matmul(p, q));
  return () => void f(a, b);
}

const load0 = loadavg();
const problems = {
  'PINN step (1024 pts, 2-32-32-1)': () => pinnStep(1024, [2, 32, 32, 1]),
  'PINN step (4096 pts, 2-64-64-64-1)': () => pinnStep(4096, [2, 64, 64, 64, 1]),
  'matmul 256^3': () => matmul(256),
};
const backends: Array<[string, () => void]> = [
  ['wasm', () => fx.setBackend('wasm')],
  ['gpu (gpu.js webasm)', () => (createNodeGpuBackend('webasm'), fx.setBackend('gpu'))],
  ['gpu (gpu.js cpu)', () => (createNodeGpuBackend('cpu'), fx.setBackend('gpu'))],
];
const reps = quick ? 2 : 5;
const table: Record<string, Record<string, number>> = {};
for (const [name, make] of Object.entries(problems)) {
  table[name] = {};
  for (const [backend, use] of backends) {
    use();
    const run = make();
    table[name][backend] = best(reps, run, true) * 1e3;
  }
}
const flops = 2 * 256 ** 3;
const gflops = Object.fromEntries(Object.entries(table['matmul 256^3']).map(([b, ms]) => [b, flops / (ms / 1e3) / 1e9]));
const results = { date: new Date().toISOString(), loadavgBefore: load0, loadavgAfter: loadavg(), msBest: table, matmulGflops: gflops };
writeFileSync(here('./results-gpu.json'), JSON.stringify(results, null, 2) + '\n');

console.log('| problem | ' + backends.map(([b]) => b).join(' | ') + ' |');
console.log('|---|' + backends.map(() => '---|').join(''));
for (const [name, row] of Object.entries(table)) {
  const wasm = row.wasm;
  console.log(`| ${name} | ` + backends.map(([b]) => `${row[b].toFixed(1)} ms (${(row[b] / wasm).toFixed(1)}x)`).join(' | ') + ' |');
}
console.log('matmul 256^3 GFLOP/s: ' + Object.entries(gflops).map(([b, g]) => `${b} ${g.toFixed(2)}`).join(', '));
console.log(`load average ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
