// Picks the engine the demo trains on. 'webgpu' compiles the whole step to WGSL compute shaders
// (core/backend/webgpu); 'gpu' makes a gpu.js instance for WebGL2 (falling back to gpu.js's own choice)
// and registers the core's gpu backend on it; 'js' is the CPU reference. Without ?backend= the demo takes
// webgpu when the browser offers a WebGPU adapter, else gpu. Failures of a backend asked for by name
// surface to the page as errors rather than a silent switch, so the page never claims a GPU it is not using.
import { GPU } from 'gpu.js';
import { registerGpuBackend } from '../../core/backend/gpu.js';
import { setBackend } from '../../core/backend/index.js';
import { requestWebGpuBackend, type WebGpuBackend } from '../../core/backend/webgpu/index.js';

export type DemoBackend = 'webgpu' | 'gpu' | 'js';

export interface ActiveBackend {
  backend: DemoBackend;
  /** gpu.js kernel mode ('webgl2', 'webgl', 'cpu', ...) for 'gpu'; the adapter for 'webgpu'; 'cpu' for the js reference loops. */
  mode: string;
  /** Set when the gpu backend could not get WebGL2 and gpu.js chose another mode instead, or auto found no WebGPU. */
  note: string | null;
  /** the compiled-shader backend, for 'webgpu' */
  webgpu?: WebGpuBackend;
}

/** ?backend=; null (none given) is auto. */
export function parseBackend(value: string | null): DemoBackend | null {
  if (value === null) return null;
  if (value === 'webgpu' || value === 'gpu' || value === 'js') return value;
  throw new Error(`?backend=${value}: expected 'webgpu', 'gpu' or 'js'`);
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

function activateGpu(note: string | null): ActiveBackend {
  const { mode } = registerGpuBackend(makeGpu());
  setBackend('gpu');
  return {
    backend: 'gpu',
    mode,
    note: [note, webgl2Failure && `WebGL2 unavailable (${webgl2Failure})`].filter(Boolean).join('; ') || null,
  };
}

/** The backend asked for, or with `null` webgpu where the browser has an adapter and gpu otherwise. */
export async function activate(backend: DemoBackend | null): Promise<ActiveBackend> {
  if (backend === 'js') {
    setBackend('js');
    return { backend, mode: 'cpu', note: null };
  }
  if (backend === 'gpu') return activateGpu(null);
  try {
    const webgpu = await requestWebGpuBackend();
    // host-side work (tracing, the evaluation grid) stays on the reference backend
    setBackend('js');
    return { backend: 'webgpu', mode: webgpu.adapter, note: null, webgpu };
  } catch (e) {
    if (backend === 'webgpu') throw e;
    return activateGpu(`no WebGPU (${(e as Error).message})`);
  }
}
