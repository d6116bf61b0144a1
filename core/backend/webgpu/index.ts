// The webgpu backend: graphs of the same IR the other backends compile, as WGSL compute shaders, with
// tensors resident in GPU buffers across calls. WebGPU reads back asynchronously, so this backend is not
// a synchronous fx.setBackend target: compile a function with `backend.jit(f)`, pass Tensors or
// DeviceTensors, get DeviceTensors back, and await `.data()` only for the values you need.
import { Tensor } from '../../tensor.js';
import type { Graph } from '../../ir.js';
import { makeGraph } from '../../trace.js';
import { fmt } from '../../shape.js';
import { leavesWhere, unflattenWhere, type PyTree } from '../../pytree.js';
import { planProgram } from './program.js';
import { WebGpuExecutable, type PipelineCache } from './executable.js';
import { DeviceTensor, uploadTensor, WebGpuContext } from './device.js';
import type { WgAdapter, WgGpu } from './types.js';
import type { KernelTarget } from './shaders.js';

export { DeviceTensor } from './device.js';
export { WebGpuExecutable } from './executable.js';
export { planProgram, WebGpuUnsupported, type Program } from './program.js';
export type { WgGpu } from './types.js';
export type { KernelTarget } from './shaders.js';

/** A pytree of `T`'s shape whose Tensor leaves may also be resident DeviceTensors. */
export type DeviceInput<T> = T extends Tensor
  ? Tensor | DeviceTensor
  : T extends ReadonlyArray<infer E>
    ? ReadonlyArray<DeviceInput<E>>
    : { readonly [K in keyof T]: DeviceInput<T[K]> };
/** A pytree of `T`'s shape with DeviceTensors in place of its Tensors. */
export type Resident<T> = T extends Tensor ? DeviceTensor : { readonly [K in keyof T]: Resident<T[K]> };
/** The argument list of a compiled webgpu function taking `Args`. */
export type DeviceArgs<Args extends readonly unknown[]> = { [K in keyof Args]: DeviceInput<Args[K]> };

export interface WebGpuBackend {
  readonly name: 'webgpu';
  /** the adapter's vendor and architecture, e.g. 'google swiftshader' */
  readonly adapter: string;
  /** what the kernels are shaped for: 'cpu' on an adapter that emulates WebGPU on the CPU (SwiftShader) */
  readonly target: KernelTarget;
  /** compiles a traced graph for this device */
  compile(graph: Graph): WebGpuExecutable;
  /** a resident copy of a host tensor */
  upload(t: Tensor): DeviceTensor;
  /**
   * f compiled once per input shape signature (like fx.jit); calls take Tensors or DeviceTensors and return
   * DeviceTensors without reading anything back.
   */
  jit<Args extends PyTree[], R extends PyTree>(f: (...args: Args) => R): (...args: DeviceArgs<Args>) => Resident<R>;
  /** frees the device; nothing of this backend may be used afterwards */
  destroy(): void;
}

const isLeaf = (x: unknown): x is Tensor | DeviceTensor => x instanceof Tensor || x instanceof DeviceTensor;

/**
 * Disposes every DeviceTensor of a pytree (host Tensors are left alone): a loop that drops each step's old state
 * this way hands its buffers to the next step's outputs, so steps allocate no GPU memory.
 */
export function disposeResident(tree: unknown): void {
  for (const t of leavesWhere(tree, isLeaf, 'a Tensor or DeviceTensor')) if (t instanceof DeviceTensor) t.dispose();
}

/** A CPU emulation of WebGPU: a fallback adapter, or SwiftShader (Chromium's, which does not flag itself as one). */
export function emulatesOnCpu(adapter: WgAdapter): boolean {
  const info = adapter.info;
  return !!(
    info?.isFallbackAdapter ||
    adapter.isFallbackAdapter ||
    /swiftshader/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`)
  );
}

export interface WebGpuOptions {
  /** kernels shaped for a GPU or for a CPU emulation; by default 'cpu' where emulatesOnCpu(adapter), else 'gpu' */
  readonly target?: KernelTarget;
  /** ask for timestamp queries where the adapter has them (bench/webgpuProfile.ts times each dispatch with them) */
  readonly timestamps?: boolean;
}

/**
 * A webgpu backend on the default adapter of `gpu` (navigator.gpu in a browser; Node's `webgpu` package's
 * `gpu`). Rejects with a message saying what is missing when there is no WebGPU or no adapter.
 */
export async function requestWebGpuBackend(gpu?: WgGpu, options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  const found = gpu ?? (globalThis as { navigator?: { gpu?: WgGpu } }).navigator?.gpu;
  if (!found) {
    throw new Error(
      'webgpu backend: this environment has no WebGPU (navigator.gpu is undefined; browsers expose it in secure contexts only, ' +
        'Chromium on Linux needs --enable-unsafe-webgpu)',
    );
  }
  const adapter = await found.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('webgpu backend: WebGPU is present but requestAdapter() found no adapter (no usable GPU or driver)');
  const { limits } = adapter;
  // the defaults cap a binding at 128 MiB; ask for what the adapter offers, since a whole graph lives in one buffer
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
    requiredFeatures: options.timestamps && adapter.features?.has('timestamp-query') ? ['timestamp-query'] : [],
  });
  const ctx = new WebGpuContext(device);
  const pipelines: PipelineCache = new Map();
  const target = options.target ?? (emulatesOnCpu(adapter) ? 'cpu' : 'gpu');
  const compile = (graph: Graph): WebGpuExecutable => new WebGpuExecutable(planProgram(graph, target), ctx, pipelines);
  const info = adapter.info;
  return {
    name: 'webgpu',
    adapter: info ? `${info.vendor} ${info.architecture}`.trim() : 'unknown',
    target,
    compile,
    upload: (t) => uploadTensor(ctx, t),
    jit: (f) => jitOn(compile, f as unknown as (...args: PyTree[]) => PyTree) as never,
    destroy: () => device.destroy(),
  };
}

function jitOn(compile: (g: Graph) => WebGpuExecutable, f: (...args: PyTree[]) => PyTree): (...args: unknown[]) => unknown {
  const cache = new Map<string, { exe: WebGpuExecutable; outLike: PyTree }>();
  return (...args: unknown[]) => {
    const perArg = args.map((a) => leavesWhere(a, isLeaf, 'a Tensor or DeviceTensor'));
    const flat = perArg.flat();
    const key = `${flat.map((t) => `${t.dtype}${fmt(t.shape)}`).join(';')}|${perArg.map((l) => l.length).join(',')}`;
    let entry = cache.get(key);
    if (!entry) {
      let outLike: PyTree | undefined;
      const graph = makeGraph(
        (...xs) => {
          let at = 0;
          const trees = args.map((a, i) => unflattenWhere(a, xs.slice(at, (at += perArg[i].length)), isLeaf) as PyTree);
          outLike = f(...trees);
          return leavesWhere(outLike, isLeaf, 'a Tensor') as Tensor[];
        },
        flat.map((t) => ({ shape: t.shape, dtype: t.dtype })),
      );
      entry = { exe: compile(graph), outLike: outLike as PyTree };
      cache.set(key, entry);
    }
    return unflattenWhere(entry.outLike, entry.exe.run(flat), isLeaf);
  };
}
