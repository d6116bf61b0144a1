// Opt-in per-step timing of compiled graphs (bench/profile.ts). An Executable built while a profiler is
// installed wraps each step in a timer; one built without keeps its plain steps, so the normal path
// pays nothing.
import type { Atom, Eqn, Var } from '../ir.js';
import { sizeOf } from '../shape.js';
import type { DType } from '../dtype.js';
import type { PrimParams } from '../prims/types.js';
import { defOf } from '../prims/registry.js';
import type { FusedKernel } from './fusion.js';

/** What one compiled step is, for grouping: `kind` is coarse (gemm, fused, ...), `label` names the shape. */
export interface StepInfo {
  kind: 'gemm' | 'fused wasm' | 'fused js' | 'unary simd' | 'reduce' | 'copy' | 'place' | 'reference';
  label: string;
  /** Floating-point operations (GEMMs only; 0 elsewhere). */
  flops: number;
  /** Bytes read plus written, counting every input and the output once. */
  bytes: number;
}

export interface StepProfiler {
  record(info: StepInfo, ms: number): void;
}

let active: StepProfiler | null = null;

/** Installs (or with null removes) the profiler that Executables built from now on report to. */
export function setStepProfiler(p: StepProfiler | null): void {
  active = p;
}

export function stepProfiler(): StepProfiler | null {
  return active;
}

const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4 };
const bytesOf = (a: Atom): number => sizeOf((a as Var).shape) * BYTES[(a as Var).dtype];
const shapeOf = (a: Atom): string => (a as Var).shape.join('x');

/** Describes a step the way Executable.compileStep will run it (`wasmLoop`: the fused loop is generated wasm). */
export function describeStep(e: Eqn, kernel: FusedKernel | undefined, wasmLoop: boolean): StepInfo {
  const out = e.out;
  if (kernel) {
    const bytes = kernel.inputs.reduce((s, a) => s + bytesOf(a), bytesOf(out));
    return {
      kind: wasmLoop ? 'fused wasm' : 'fused js',
      label: `fused ${out.dtype} [${shapeOf(out)}] ${kernel.inputs.length} in`,
      flops: 0,
      bytes,
    };
  }
  const bytes = e.inputs.reduce((s, a) => s + bytesOf(a), bytesOf(out));
  if (e.prim === 'matmul' && out.dtype !== 'i32') {
    const r = out.shape.length;
    const sa = (e.inputs[0] as Var).shape;
    const { transA, transB } = e.params as PrimParams['matmul'];
    const [m, n, k] = [out.shape[r - 2], out.shape[r - 1], transA ? sa[r - 2] : sa[r - 1]];
    const batch = sizeOf(out.shape.slice(0, r - 2));
    const t = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
    const label = `gemm ${out.dtype} ${batch > 1 ? `${batch} x ` : ''}${m}x${n}x${k} ${t}`;
    return { kind: 'gemm', label, flops: 2 * m * n * k * batch, bytes };
  }
  const def = defOf(e.prim);
  const base = { flops: 0, bytes };
  if (out.dtype === 'f32' && def.simdKernel) return { kind: 'unary simd', label: `${e.prim} [${shapeOf(out)}]`, ...base };
  const axes = e.prim === 'reduce_sum' ? (e.params as PrimParams['reduce_sum']).axes : [];
  const contiguous = axes.length > 0 && axes.every((ax, i) => i === 0 || ax === axes[i - 1] + 1);
  if (contiguous && out.dtype !== 'i32')
    return { kind: 'reduce', label: `reduce_sum [${shapeOf(e.inputs[0])}] -> [${shapeOf(out)}]`, ...base };
  if (def.view) return { kind: 'copy', label: `${e.prim} [${shapeOf(e.inputs[0])}] -> [${shapeOf(out)}]`, ...base };
  if (def.place) return { kind: 'place', label: `${e.prim} -> [${shapeOf(out)}]`, ...base };
  return { kind: 'reference', label: `${e.prim} ${out.dtype} -> [${shapeOf(out)}]`, ...base };
}

/** `step` wrapped in a timer that reports to `p`. */
export function timedStep(p: StepProfiler, info: StepInfo, step: () => void): () => void {
  return () => {
    const t0 = performance.now();
    step();
    p.record(info, performance.now() - t0);
  };
}
