// In Node, `setBackend('gpu')` builds its gpu.js instance on first use (loading gpu.js costs ~100 ms,
// so not at import). FLUXION_GPU_MODE picks gpu.js's mode: 'gpu' (default: the best gpu.js finds,
// headless-gl when installed, else its WebAssembly kernels on the CPU, with a warning saying so), or
// 'headlessgl' / 'webasm' / 'cpu' explicitly (the parity tests use the last two).
import { createRequire } from 'node:module';
import type { GPU, GPUMode, GPUInternalMode } from 'gpu.js';
import { CPU_MODES, registerGpuBackend, type GpuBackend } from './gpu.js';

const MODES = ['gpu', 'headlessgl', 'webgpu', 'webasm', 'cpu'] as const;
export type NodeGpuMode = (typeof MODES)[number];

export function createNodeGpuBackend(mode: string = process.env.FLUXION_GPU_MODE ?? 'gpu'): GpuBackend {
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new Error(`FLUXION_GPU_MODE: expected one of ${MODES.join(', ')}, got '${mode}'`);
  }
  const GpuClass = loadGpuJs() as GpuConstructor;
  let gpu: GPU;
  try {
    gpu = new GpuClass({ mode: mode as GPUMode | GPUInternalMode });
  } catch (e) {
    throw new Error(
      `setBackend('gpu'): gpu.js has no '${mode}' context in this Node process (${(e as Error).message.trim()}). ` +
        'No GPU binding is installed (headless-gl is skipped at install because it downloads binaries); ' +
        "set FLUXION_GPU_MODE=webasm or cpu to run the gpu backend's kernels through gpu.js on the CPU, " +
        'or use the backend in a browser (WebGL2).',
    );
  }
  const backend = registerGpuBackend(gpu);
  if (mode === 'gpu' && CPU_MODES.has(backend.mode)) {
    process.emitWarning(
      `gpu backend: no GPU context in this Node process (headless-gl is not installed), so gpu.js runs the kernels in '${backend.mode}' mode on the CPU`,
      { code: 'FLUXION_GPU_ON_CPU' },
    );
  }
  return backend;
}

type GpuConstructor = new (s: { mode: GPUMode | GPUInternalMode }) => GPU;

/**
 * gpu.js is an optional peer dependency: only the gpu backend needs it. `load` resolves it (tests pass one that
 * fails, to check the message a library user without gpu.js sees).
 */
export function loadGpuJs(load: (id: string) => unknown = createRequire(import.meta.url)): unknown {
  try {
    return (load('gpu.js') as { GPU: unknown }).GPU;
  } catch (e) {
    throw new Error(
      `setBackend('gpu'): the gpu backend runs on gpu.js, which is not installed (${(e as Error).message.split('\n')[0]}); ` +
        'install it with `npm install gpu.js@^2.24.1` (optionally with overrides skipping its native `gl` and `webgpu` dependencies, as this repository does)',
    );
  }
}
