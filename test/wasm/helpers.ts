// Shared test helpers for the wasm kernels: build-on-demand, seeded PRNG, f32 ulp distance.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildExists } from '../../core/wasm/module.js';
import { loadKernels, type WasmKernels } from '../../core/wasm/kernels.js';
import { Mulberry32 } from '../../core/random.js';

/** Builds core/wasm/build/ if missing (call from a mocha `before`). */
export function ensureBuilt(): void {
  if (buildExists()) return;
  const script = fileURLToPath(new URL('../../core/wasm/build.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}

/** Both builds: baseline SIMD and relaxed SIMD (enabling V8's flag on Node 20 if needed). */
export function allVariants(): WasmKernels[] {
  ensureBuilt();
  return [loadKernels({ relaxed: false }), loadKernels({ relaxed: true, enableRelaxedFlag: true })];
}

/** mulberry32 from a raw state: small seeded PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  const g = new Mulberry32(seed);
  return () => g.next();
}

export function randomF32(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * r();
  return x;
}

const bitsBuf = new DataView(new ArrayBuffer(4));
function orderedBits(x: number): number {
  bitsBuf.setFloat32(0, x);
  const b = bitsBuf.getInt32(0);
  return b < 0 ? -(b & 0x7fffffff) : b; // monotone in x, -0 and +0 both 0
}

/** Distance in f32 ulps between two f32 values (0 for equal, Infinity if exactly one is NaN). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(orderedBits(a) - orderedBits(b));
}
