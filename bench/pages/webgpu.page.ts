// Browser page for bench/webgpu.ts: the problems of bench/webgpuProblems.ts timed in one tab on the webgpu
// backend (WGSL compute shaders) and on the gpu backend (gpu.js webgl2). Publishes globalThis.fluxionWebGpuBench.
import { GPU } from 'gpu.js';
import * as fx from '../../core/index.js';
import { registerGpuBackend } from '../../core/backend/gpu.js';
import { requestWebGpuBackend } from '../../core/backend/webgpu/index.js';
import { webgpuProblems } from '../webgpuProblems.js';
import { best, bestAsync } from '../timing.js';

export interface WebGpuBench {
  adapter: string;
  glMode: string;
  /** best ms per call, by problem then backend */
  ms: Record<string, Record<string, number>>;
  error?: string;
}

async function run(): Promise<WebGpuBench> {
  const webgpu = await requestWebGpuBackend();
  const { mode } = registerGpuBackend(new GPU({ mode: 'webgl2' }));
  const ms: WebGpuBench['ms'] = {};
  for (const [name, p] of Object.entries(webgpuProblems)) {
    ms[name] = { [`webgpu (${webgpu.adapter})`]: (await bestAsync(3, p.webgpu(webgpu), true)) * 1e3 };
    fx.setBackend('gpu');
    ms[name][`gpu.js ${mode}`] = best(2, p.sync(), true) * 1e3;
    fx.setBackend('js');
  }
  return { adapter: webgpu.adapter, glMode: mode, ms };
}

run().then(
  (r) => {
    (globalThis as { fluxionWebGpuBench?: WebGpuBench }).fluxionWebGpuBench = r;
  },
  (e: Error) => {
    (globalThis as { fluxionWebGpuBench?: WebGpuBench }).fluxionWebGpuBench = { adapter: '', glMode: '', ms: {}, error: e.message };
  },
);
