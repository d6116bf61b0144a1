// The gpu backend in Node, where no GPU context exists: gpu.js runs the same generated kernels in
// its 'webasm' (WebAssembly f32x4) and 'cpu' (JavaScript) modes. Measured side by side with the wasm
// backend (our hand-written SIMD kernels) on a compiled PINN step and on one 512^3 matmul, plus the
// matmul's GFLOP/s against the machine's GEMM figure. Where Debian's chromium is installed, the same
// problems also run in a headless tab on gpu.js's webgl2 mode (SwiftShader: WebGL2 emulated on the CPU,
// so these are not GPU speeds) beside the js backend in that tab. Run: npx tsx bench/gpu.ts [--quick] [--write]
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { createNodeGpuBackend } from '../core/backend/gpuNode.js';
import { best } from './timing.js';
import { writeResults } from './results.js';
import { benchProblems, MATMUL_N } from '../runner/benchProblems.js';
import { findBrowserTools, runPage } from '../test/viewer/chromium.js';
import type { BrowserBench } from './pages/gpuWebgl.page.js';

const quick = process.argv.includes('--quick');
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Selects the gpu backend in one of gpu.js's Node modes. */
function useGpu(mode: 'webasm' | 'cpu'): void {
  createNodeGpuBackend(mode);
  fx.setBackend('gpu');
}

const load0 = loadavg();
const backends: Array<[string, () => void]> = [
  ['wasm', () => fx.setBackend('wasm')],
  ['gpu (gpu.js webasm)', () => useGpu('webasm')],
  ['gpu (gpu.js cpu)', () => useGpu('cpu')],
];
const reps = quick ? 2 : 5;
const table: Record<string, Record<string, number>> = {};
for (const [name, make] of Object.entries(benchProblems)) {
  table[name] = {};
  for (const [backend, use] of backends) {
    use();
    const run = make();
    table[name][backend] = best(reps, run, true) * 1e3;
  }
}
Object.assign(table, await browserTable());

/** The problems in headless Chromium (bench/pages/gpuWebgl.page.ts), merged into the table's rows. */
async function browserTable(): Promise<Record<string, Record<string, number>>> {
  const tools = await findBrowserTools('browser part of bench/gpu.ts');
  if (typeof tools === 'string') return {};
  const { result: r } = await runPage<BrowserBench>(tools, here('./pages/gpuWebgl.page.ts'), 'fluxionBench', {
    webgpu: false,
    timeoutMs: 600000,
  });
  return Object.fromEntries(Object.entries(table).map(([name, row]) => [name, { ...row, ...r.ms[name] }]));
}

const flops = 2 * MATMUL_N ** 3;
const gflops = Object.fromEntries(Object.entries(table[`matmul ${MATMUL_N}^3`]).map(([b, ms]) => [b, flops / (ms / 1e3) / 1e9]));
const results = { date: new Date().toISOString(), loadavgBefore: load0, loadavgAfter: loadavg(), msBest: table, matmulGflops: gflops };
writeResults('gpu', results);

const columns = Object.keys(Object.values(table)[0]);
console.log('| problem | ' + columns.join(' | ') + ' |');
console.log('|---|' + columns.map(() => '---|').join(''));
for (const [name, row] of Object.entries(table)) {
  console.log(`| ${name} | ` + columns.map((b) => `${row[b].toFixed(1)} ms (${(row[b] / row.wasm).toFixed(1)}x)`).join(' | ') + ' |');
}
console.log(
  `matmul ${MATMUL_N}^3 GFLOP/s: ` +
    Object.entries(gflops)
      .map(([b, g]) => `${b} ${g.toFixed(2)}`)
      .join(', '),
);
console.log(
  `load average ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
