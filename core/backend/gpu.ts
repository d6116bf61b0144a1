// The gpu backend: each f32 primitive runs as a gpu.js kernel generated for its shapes (source.ts),
// compiled once and cached. gpu.js picks WebGL2/WebGL in a browser and headless-gl in Node where it is
// installed; its 'cpu' and 'webasm' modes run the very same kernels on the CPU, which is how CI checks
// parity without a GPU. Random draws, FFTs, scatter-add and f64/i32 results stay on the reference loops.
import type { TypedArray } from '../dtype.js';
import type { Aval, Params } from '../ir.js';
import { sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { registerBackend, type Backend } from './index.js';
import { jsBackend } from './js.js';
import { primitiveSource } from './gpu/source.js';

// The parts of gpu.js this backend uses, written structurally: gpu.js is an optional peer dependency, so
// the published types must not need it (a gpu.js GPU instance satisfies GpuJs).

/** A gpu.js texture: a kernel output that stays on the device (pipeline mode). */
export interface GpuTexture {
  toArray(): unknown;
}

/** What a kernel accepts and returns: host arrays, or textures that stay on the device (pipeline). */
export type GpuValue = Float32Array | GpuTexture;

/** A compiled gpu.js kernel: call it with its arguments; destroy() frees it. */
export interface GpuKernel {
  (...args: GpuValue[]): unknown;
  destroy(): void;
}

export interface GpuKernelSettings {
  output: number[];
  pipeline: boolean;
  precision: 'single';
  tactic: 'precision';
  dynamicOutput: boolean;
  dynamicArguments: boolean;
}

/** A gpu.js `GPU` instance. */
export interface GpuJs {
  createKernel(source: string, settings: GpuKernelSettings): object;
}

export interface GpuBackend extends Backend {
  readonly name: 'gpu';
  /** The gpu.js kernel mode actually in use: 'webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm' or 'cpu'. */
  readonly mode: string;
  /**
   * A compiled kernel for `source` over `size` output elements. Eager kernels are cached by source;
   * pipeline kernels are always fresh, because each owns the output texture it rewrites every call
   * and two steps of one graph must not share it.
   */
  kernel(source: string, size: number, pipeline: boolean): GpuKernel;
}

/** gpu.js returns a typed array, a plain array or a texture depending on mode and settings. */
export function toHost(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (Array.isArray(v)) return Float32Array.from(v as number[]);
  if (v && typeof (v as GpuTexture).toArray === 'function') return toHost((v as GpuTexture).toArray());
  throw new Error(`gpu backend: unexpected kernel result ${Object.prototype.toString.call(v)}`);
}

/** Kernel arguments are f32; gather's i32 indices are exact in f32 below 2^24. */
export const asKernelArg = (b: TypedArray): Float32Array => (b instanceof Float32Array ? b : Float32Array.from(b));

/** Whether `prim` can run as a kernel here: f32 in and out (i32 only as gather's indices). */
export function onDevice(prim: string, ins: readonly Aval[], out: Aval): boolean {
  if (out.dtype !== 'f32' || sizeOf(out.shape) === 0) return false;
  return ins.every((a, k) => a.dtype === 'f32' || (prim === 'gather' && k === 1 && a.dtype === 'i32'));
}

type ContextClass = abstract new (...args: never[]) => unknown;

/**
 * The kernel mode gpu.js settled on. Its GL kernel classes all report 'gpu', so those are told apart
 * by the context they probed the platform with.
 */
function kernelMode(gpu: GpuJs): string {
  const chosen = (gpu as unknown as { Kernel?: { mode: string; testContext?: unknown } }).Kernel;
  const mode = chosen?.mode ?? (gpu as unknown as { mode: string }).mode;
  if (mode !== 'gpu' || !chosen) return mode;
  const isA = (name: string): boolean => {
    const cls = (globalThis as Record<string, unknown>)[name] as ContextClass | undefined;
    return !!cls && chosen.testContext instanceof cls;
  };
  return isA('WebGL2RenderingContext') ? 'webgl2' : isA('WebGLRenderingContext') ? 'webgl' : 'headlessgl';
}

export function makeGpuBackend(gpu: GpuJs): GpuBackend {
  const cache = new Map<string, GpuKernel>();
  const kernel = (source: string, size: number, pipeline: boolean): GpuKernel => {
    const key = `${size}|${source}`;
    let k = pipeline ? undefined : cache.get(key);
    if (!k) {
      const settings: GpuKernelSettings = {
        output: [size], pipeline, precision: 'single', tactic: 'precision', dynamicOutput: false, dynamicArguments: false,
      };
      k = gpu.createKernel(source, settings) as GpuKernel;
      if (!pipeline) cache.set(key, k);
    }
    return k;
  };
  const mode = kernelMode(gpu);
  return {
    name: 'gpu',
    mode,
    kernel,
    run(prim: string, inputs: readonly Tensor[], out: Aval, params: Params): TypedArray {
      const source = onDevice(prim, inputs, out) ? primitiveSource(prim, inputs.map((t) => t.shape as Shape), out.shape, params) : null;
      if (!source) return jsBackend.run(prim, inputs, out, params);
      const args = inputs.map((t) => asKernelArg(t.buffer as TypedArray));
      // a fresh copy: gpu.js may hand back its own reusable output buffer
      return Float32Array.from(toHost(kernel(source, sizeOf(out.shape), false)(...args)));
    },
  };
}

/** Makes `gpu` the engine behind `setBackend('gpu')`. */
export function registerGpuBackend(gpu: GpuJs): GpuBackend {
  const b = makeGpuBackend(gpu);
  registerBackend(b);
  return b;
}
