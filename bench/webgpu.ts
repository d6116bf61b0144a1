// The webgpu backend (WGSL compute shaders) against gpu.js webgl2 and wasm: matmuls and a PINN Adam step
// (bench/webgpuProblems.ts). webgpu and gpu.js webgl2 run in one headless Chromium tab on SwiftShader
// (WebGPU and WebGL2 both emulated on this machine's CPU, so these are not GPU speeds); wasm runs here in
// Node, because the browser bundle has no wasm kernels (core/ locates them through node:fs). The webgpu
// steps keep parameters, Adam moments and points resident and read back the loss (or the product) each call.
// Run: npx tsx bench/webgpu.ts [--write]  (--write rewrites bench/results-webgpu.md)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { best } from './timing.js';
import { mdTable } from './markdown.js';
import { webgpuProblems } from './webgpuProblems.js';
import { findBrowserTools, runPage } from '../test/viewer/chromium.js';
import type { WebGpuBench } from './pages/webgpu.page.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const load0 = loadavg();

fx.setBackend('wasm');
const wasm: Record<string, number> = {};
for (const [name, p] of Object.entries(webgpuProblems)) wasm[name] = best(5, p.sync(), true) * 1e3;

const tools = await findBrowserTools('browser part of bench/webgpu.ts');
if (typeof tools === 'string') throw new Error(`bench/webgpu.ts needs headless Chromium (${tools})`);
const { result: tab, errors } = await runPage<WebGpuBench>(tools, here('./pages/webgpu.page.ts'), 'fluxionWebGpuBench', {
  webgpu: true,
  timeoutMs: 1200000,
});
if (tab.error || errors.length) throw new Error(`bench page failed: ${tab.error ?? errors.join('; ')}`);

const columns = [...Object.keys(Object.values(tab.ms)[0]), 'wasm (Node, 2 threads)'];
const rows = Object.entries(webgpuProblems).map(([name, p]) => {
  const ms: Record<string, number> = { ...tab.ms[name], 'wasm (Node, 2 threads)': wasm[name] };
  const webgpuMs = Object.values(tab.ms[name])[0];
  return [
    name,
    ...columns.map((c) => `${ms[c].toFixed(1)} ms${p.flops ? ` (${(p.flops / ms[c] / 1e6).toFixed(2)} GFLOP/s)` : ''}`),
    `${(ms[columns[1]] / webgpuMs).toFixed(1)}x`,
  ];
});
const table = mdTable(['problem', ...columns, 'webgpu speed-up over gpu.js'], rows);
const text = [
  '# webgpu vs gpu.js webgl2 vs wasm (bench/webgpu.ts)',
  '',
  `\`npx tsx bench/webgpu.ts --write\` on ${new Date().toISOString().slice(0, 10)}: webgpu and gpu.js in one headless Chromium tab ` +
    `(${tab.adapter} adapter; WebGL2 is SwiftShader too), both emulated on this machine's CPU, so these are not GPU speeds; ` +
    `wasm in Node on the same machine. Best of 3 (webgpu), 2 (gpu.js) and 5 (wasm) calls after a warm-up call; ` +
    `load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 shared cores: timings are noisy).`,
  '',
  'A webgpu call keeps its inputs resident and ends by awaiting the read-back of one output (the loss, or the product), so it ' +
    'includes one device-to-host transfer; gpu.js and wasm calls return host arrays.',
  '',
  table,
  '',
].join('\n');
console.log(text);
if (process.argv.includes('--write')) {
  writeFileSync(here('./results-webgpu.md'), text);
  console.log('wrote bench/results-webgpu.md');
}
