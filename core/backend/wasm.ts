// The wasm backend: GEMM and f32 elementwise math on the AssemblyScript SIMD kernels, the rest on the
// reference loops. Eager calls copy operands in and out of wasm memory; compiled graphs (jit) avoid that.
import type { Backend } from './index.js';
import { jsBackend } from './js.js';
import { Executable } from '../compile/executable.js';
import { inlineCustom } from '../compile/inline.js';
import { pruneDead } from '../compile/prune.js';
import type { PrimParams } from '../prims/types.js';
import type { Tensor } from '../tensor.js';
import type { TypedArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { threadBudget } from '../threads.js';
import { buildExists } from '../wasm/module.js';
import { loadKernels, type WasmKernels, UNARY_OPS, BINARY_OPS, type UnaryOp, type BinaryOp } from '../wasm/kernels.js';
import { matmul as wasmMatmul, unaryArr, binaryArr } from '../wasm/arrays.js';

const unary = new Set<string>(UNARY_OPS);
const binary = new Set<string>(BINARY_OPS);
/** Below this many elements the copies into wasm memory cost more than the SIMD loop saves. */
const ELEMENTWISE_MIN = 4096;

export function makeWasmBackend(kernels: WasmKernels): Backend {
  return {
    name: 'wasm',
    compile(graph, options) {
      ensureThreads(kernels);
      return new Executable(pruneDead(inlineCustom(graph)), kernels, { carry: options?.carry });
    },
    run(prim, inputs: readonly Tensor[], out, params) {
      const bufs = inputs.map((t) => t.buffer as TypedArray);
      if (prim === 'matmul' && out.dtype !== 'i32') {
        if (sizeOf(out.shape) >= ELEMENTWISE_MIN) ensureThreads(kernels);
        const r = out.shape.length;
        const a = inputs[0].shape;
        const { transA, transB } = params as PrimParams['matmul'];
        return wasmMatmul(kernels, bufs[0] as Float32Array | Float64Array, bufs[1] as Float32Array | Float64Array, {
          m: out.shape[r - 2],
          n: out.shape[r - 1],
          k: transA ? a[r - 2] : a[r - 1],
          transA,
          transB,
          batch: sizeOf(out.shape.slice(0, r - 2)),
        });
      }
      if (out.dtype === 'f32' && sizeOf(out.shape) >= ELEMENTWISE_MIN) {
        if (unary.has(prim)) return unaryArr(kernels, prim as UnaryOp, bufs[0] as Float32Array);
        if (binary.has(prim)) return binaryArr(kernels, prim as BinaryOp, bufs[0] as Float32Array, bufs[1] as Float32Array);
      }
      return jsBackend.run(prim, inputs, out, params);
    },
  };
}

/**
 * Allows the kernels the second thread when the thread budget (FLUXION_THREADS, else the cores) has room for it; the
 * helper itself starts at the first GEMM big enough to split (a worker costs tens of ms, and small problems never
 * split). A budget of 1 keeps everything on the calling thread. Results are the same bits either way.
 */
export function ensureThreads(k: WasmKernels): void {
  k.allowThreads(threadBudget() >= 2 ? 2 : 1);
}

let cached: WasmKernels | null | undefined;

/** The kernels when the build exists (made by `npm ci` / `npm run build:wasm`), else null. */
export function wasmKernels(): WasmKernels | null {
  if (cached === undefined) cached = buildExists() ? loadKernels() : null;
  return cached;
}
