// Browser page for bench/gpu.ts: the same compiled problems as the Node part, timed in one tab on the
// gpu backend (gpu.js webgl2) and on the js backend. Publishes globalThis.fluxionBench.
import { GPU } from 'gpu.js';
import * as fx from '../../core/index.js';
import { registerGpuBackend } from '../../core/backend/gpu.js';
import { benchProblems } from '../../runner/benchProblems.js';
import { best } from '../timing.js';

export interface BrowserBench {
  mode: string;
  /** best ms per call, by problem then backend */
  ms: Record<string, Record<string, number>>;
}

const { mode } = registerGpuBackend(new GPU({ mode: 'webgl2' }));
const ms: BrowserBench['ms'] = {};
for (const [name, make] of Object.entries(benchProblems)) {
  ms[name] = {};
  for (const backend of ['js', 'gpu'] as const) {
    fx.setBackend(backend);
    ms[name][backend === 'gpu' ? `gpu (gpu.js ${mode})` : 'js (in the tab)'] = best(3, make(), true) * 1e3;
  }
}
(globalThis as { fluxionBench?: BrowserBench }).fluxionBench = { mode, ms };
