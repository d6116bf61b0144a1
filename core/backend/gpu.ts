// The gpu backend: each f32 primitive runs as a gpu.js kernel generated for its shapes (source.ts),
// compiled once and cached. gpu.js picks WebGL2/WebGL in a browser and headless-gl in Node where it is
// installed; its 'cpu' and 'webasm' modes run the very same kernels on the CPU, which is how CI checks
// parity without a GPU. Random draws, FFTs, scatter-add over large index lists and B-spline P2G transfers over many
// particles (gpu/source.ts, gpu/bspline.ts: in gather form each output cell scans every index or particle), B-spline
// transfers with tangents, and f64/i32 results stay on the reference loops.
import type { TypedArray } from '../dtype.js';
import type { PrimName } from '../prims/types.js';
import { sizeOf, type Shape } from '../shape.js';
import { registerBackend, type Backend } from './index.js';
import { jsBackend } from './js.js';
import { hostCheck, primitiveSource } from './gpu/source.js';
import { asKernelArg, onDevice, toHost, type GpuJs, type GpuKernel, type GpuKernelSettings } from './gpu/device.js';
import { GpuExecutable } from '../compile/gpuExecutable.js';
import { inlineCustom } from '../compile/inline.js';
import { pruneDead } from '../compile/prune.js';

export {
  asKernelArg,
  onDevice,
  toHost,
  type GpuJs,
  type GpuKernel,
  type GpuKernelSettings,
  type GpuTexture,
  type GpuValue,
} from './gpu/device.js';

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
  /**
   * Primitives kept on the reference loops even where they have a device kernel (an A/B of a kernel in one process,
   * or isolating one): read at each eager call and when a graph compiles (a compiled graph keeps its choice). In
   * gpu.js's CPU modes it starts as CPU_HOST_ONLY, else empty.
   */
  readonly hostOnly: Set<PrimName>;
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

/** gpu.js modes that run the kernels on the CPU, one thread after another. */
export const CPU_MODES: ReadonlySet<string> = new Set(['cpu', 'webasm']);

/**
 * Kept on the host in the CPU modes: the B-spline transfer, whose P2G kernel in gather form does cells x particles
 * work (a GPU spreads it over threads; run serially it made the 2D MPM step (256 particles, 32^2 grid) 10-22x slower
 * forward and 5-7x slower with the gradient than the host loops, bench/simGpu.ts). Tests of the kernels clear it.
 */
export const CPU_HOST_ONLY: readonly PrimName[] = ['bspline_transfer'];

export function makeGpuBackend(gpu: GpuJs): GpuBackend {
  const cache = new Map<string, GpuKernel>();
  const kernel = (source: string, size: number, pipeline: boolean): GpuKernel => {
    const key = `${size}|${source}`;
    let k = pipeline ? undefined : cache.get(key);
    if (!k) {
      const settings: GpuKernelSettings = {
        output: [size],
        pipeline,
        precision: 'single',
        tactic: 'precision',
        dynamicOutput: false,
        dynamicArguments: false,
      };
      k = gpu.createKernel(source, settings) as GpuKernel;
      if (!pipeline) cache.set(key, k);
    }
    return k;
  };
  const mode = kernelMode(gpu);
  const backend: GpuBackend = {
    name: 'gpu',
    mode,
    kernel,
    hostOnly: new Set(CPU_MODES.has(mode) ? CPU_HOST_ONLY : []),
    compile: (graph) => new GpuExecutable(pruneDead(inlineCustom(graph)), backend),
    run(prim, inputs, out, params): TypedArray {
      const source =
        onDevice(prim, inputs, out) && !backend.hostOnly.has(prim)
          ? primitiveSource(
              prim,
              inputs.map((t) => t.shape as Shape),
              out.shape,
              params,
            )
          : null;
      if (!source) return jsBackend.run(prim, inputs, out, params);
      const guard = hostCheck(
        prim,
        inputs.map((t) => t.shape as Shape),
        params,
      );
      guard?.check(guard.inputs.map((k) => inputs[k].buffer as TypedArray));
      const args = inputs.map((t) => asKernelArg(t.buffer as TypedArray));
      // a fresh copy: gpu.js may hand back its own reusable output buffer
      return Float32Array.from(toHost(kernel(source, sizeOf(out.shape), false)(...args)));
    },
  };
  return backend;
}

/** Makes `gpu` the engine behind `setBackend('gpu')`. */
export function registerGpuBackend(gpu: GpuJs): GpuBackend {
  const b = makeGpuBackend(gpu);
  registerBackend(b);
  return b;
}
