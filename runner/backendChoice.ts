// The compute backend of a run: the config's `backend:` or --backend. wasm, gpu and js are the core's synchronous
// backends (setBackend); webgpu is the WGSL compute-shader backend (core/backend/webgpu), which needs a WebGPU
// adapter, in Node from the `webgpu` package (Dawn's bindings). `auto` is wasm: the trainers step synchronously,
// and none of them runs on webgpu yet, so webgpu is never picked for a run without being asked for by name.
import { setBackend, type BackendName } from '../index.js';
import { requestWebGpuBackend, type WebGpuBackend, type WgGpu } from '../core/backend/webgpu/index.js';
import { ConfigError } from './errors.js';

export type RunBackend = BackendName | 'webgpu';
export const RUN_BACKENDS: readonly RunBackend[] = ['wasm', 'gpu', 'js', 'webgpu'];

const NO_WEBGPU = "Node has no WebGPU here: the 'webgpu' package (Dawn's Node bindings, npm install webgpu) is not installed";

/** navigator.gpu's counterpart in Node, from the `webgpu` package, or why there is none. */
export async function nodeWebGpu(load: () => Promise<unknown> = () => import('webgpu' as string)): Promise<WgGpu> {
  let mod: { create?: (flags: string[]) => WgGpu } | undefined;
  try {
    mod = (await load()) as typeof mod;
  } catch {
    throw new Error(NO_WEBGPU);
  }
  // this repository installs a placeholder in its place (package.json overrides: the binaries are a large download)
  if (typeof mod?.create !== 'function') throw new Error(`${NO_WEBGPU} (the installed 'webgpu' is a placeholder without create())`);
  return mod.create([]);
}

/** Makes `name` the process's backend; a backend that cannot run here is a ConfigError (exit 2) saying why. */
export async function applyBackend(name: 'auto' | RunBackend, gpu: () => Promise<WgGpu> = nodeWebGpu): Promise<void> {
  if (name === 'auto') return;
  if (name === 'webgpu') {
    let backend: WebGpuBackend;
    try {
      backend = await requestWebGpuBackend(await gpu());
    } catch (e) {
      throw new ConfigError(`backend: webgpu: ${(e as Error).message.replace(/^webgpu backend: /, '')}; use backend: wasm (or auto)`);
    }
    const adapter = backend.adapter;
    backend.destroy();
    throw new ConfigError(
      `backend: webgpu: found the adapter '${adapter}', but the trainers do not run on webgpu yet (compile functions with ` +
        'requestWebGpuBackend().jit in code); use backend: wasm (or auto)',
    );
  }
  try {
    setBackend(name);
  } catch (e) {
    throw new ConfigError(`backend: ${(e as Error).message}`);
  }
}
