// What the gpu backend and its compiled graphs share: the structural gpu.js types, host read-back and the
// rule for which primitives run as device kernels.
import type { TypedArray } from '../../dtype.js';
import type { Aval } from '../../ir.js';
import { sizeOf } from '../../shape.js';

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

/** gpu.js returns a typed array, a plain array or a texture depending on mode and settings. */
export function toHost(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (Array.isArray(v)) return Float32Array.from(v as number[]);
  if (v && typeof (v as GpuTexture).toArray === 'function') return toHost((v as GpuTexture).toArray());
  throw new Error(`gpu backend: unexpected kernel result ${Object.prototype.toString.call(v)}`);
}

/** Kernel arguments are f32; gather's and scatter-add's i32 indices are exact in f32 below 2^24. */
export const asKernelArg = (b: TypedArray): Float32Array => (b instanceof Float32Array ? b : Float32Array.from(b));

/** Which input of an indexing primitive holds its i32 indices. */
const INDEX_INPUT: Readonly<Record<string, number>> = { gather: 1, scatter_add: 0 };

/** Whether `prim` can run as a kernel here: f32 in and out (i32 only as gather's and scatter-add's indices). */
export function onDevice(prim: string, ins: readonly Aval[], out: Aval): boolean {
  if (out.dtype !== 'f32' || sizeOf(out.shape) === 0) return false;
  return ins.every((a, k) => a.dtype === 'f32' || (INDEX_INPUT[prim] === k && a.dtype === 'i32'));
}
