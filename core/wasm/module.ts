// Locates, validates and compiles the built kernel modules (core/wasm/build/*.wasm).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

export type Variant = 'simd' | 'relaxed';

/** Where build.mjs writes; the second candidate covers the compiled dist/core/wasm/ layout. */
const BUILD_DIRS = ['./build/', '../../../core/wasm/build/'];

export function wasmPath(variant: Variant): string {
  const file = `kernels.${variant}.wasm`;
  for (const dir of BUILD_DIRS) {
    const p = fileURLToPath(new URL(dir + file, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(
    `wasm kernels: ${file} not found (looked in ${BUILD_DIRS.join(', ')} next to core/wasm); run \`node core/wasm/build.mjs\``,
  );
}

export function buildExists(): boolean {
  try {
    wasmPath('simd');
    wasmPath('relaxed');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` with V8's --experimental-wasm-relaxed-simd set, then clears it again, so enabling the
 * relaxed build has no process-wide side effect (a compiled module stays valid without the flag).
 * Node 20's V8 keeps relaxed SIMD behind this flag; setting it at run time is an unofficial V8 knob.
 */
function withRelaxedFlag<T>(fn: () => T): T {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  try {
    return fn();
  } finally {
    setFlagsFromString('--no-experimental-wasm-relaxed-simd');
  }
}

/** Whether the relaxed-SIMD build can run here (natively, or with the flag when `enableFlag`). */
export function relaxedSimdAvailable(enableFlag: boolean): boolean {
  const bytes = readFileSync(wasmPath('relaxed'));
  if (WebAssembly.validate(bytes)) return true;
  return enableFlag && withRelaxedFlag(() => WebAssembly.validate(bytes));
}

export function compileVariant(variant: Variant): WebAssembly.Module {
  return compileWasmFile(wasmPath(variant), variant);
}

/** Compiles a kernels build at `path` (also another checkout's, for bench/kernelAB.ts's side-by-side runs). */
export function compileWasmFile(path: string, variant: Variant): WebAssembly.Module {
  const bytes = readFileSync(path);
  if (WebAssembly.validate(bytes)) return new WebAssembly.Module(bytes);
  if (variant === 'relaxed') {
    const mod = withRelaxedFlag(() => (WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null));
    if (mod) return mod;
  }
  throw new Error(`wasm kernels: ${variant} build ${path} does not validate on this runtime (${process.version})`);
}
