// Picks the engine the demo trains on. 'gpu' makes a gpu.js instance for WebGL2 (falling back to
// gpu.js's own choice) and registers the core's gpu backend on it; failures surface to the page
// as errors rather than a silent switch to the CPU, so the page never claims a GPU it is not using.
import { GPU } from 'gpu.js';
import { registerGpuBackend } from '../../core/backend/gpu.js';
import { setBackend } from '../../core/backend/index.js';

export type DemoBackend = 'gpu' | 'js';

export interface ActiveBackend {
  backend: DemoBackend;
  /** gpu.js kernel mode ('webgl2', 'webgl', 'cpu', ...) for 'gpu'; 'cpu' for the js reference loops. */
  mode: string;
  /** Set when the gpu backend could not get WebGL2 and gpu.js chose another mode instead. */
  note: string | null;
}

export function parseBackend(value: string | null): DemoBackend {
  if (value === null || value === 'gpu') return 'gpu';
  if (value === 'js') return 'js';
  throw new Error(`?backend=${value}: expected 'gpu' or 'js'`);
}

/** Why WebGL2 was not used, when gpu.js had to pick another mode. */
let webgl2Failure: string | null = null;

function makeGpu(): GPU {
  try {
    return new GPU({ mode: 'webgl2' });
  } catch (e) {
    webgl2Failure = e instanceof Error ? e.message : String(e);
    return new GPU();
  }
}

export function activate(backend: DemoBackend): ActiveBackend {
  if (backend === 'js') {
    setBackend('js');
    return { backend, mode: 'cpu', note: null };
  }
  const gpu = makeGpu();
  const { mode } = registerGpuBackend(gpu);
  setBackend('gpu');
  return { backend, mode, note: webgl2Failure && `WebGL2 unavailable (${webgl2Failure})` };
}
