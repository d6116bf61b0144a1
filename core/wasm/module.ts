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
  throw new Error(`wasm kernels: ${file} not found (looked in ${BUILD_DIRS.join(', ')} next to core/wasm); run \`node core/wasm/build.mjs\``);
}

export function buildExists(): boolean {
  try { wasmPath('simd'); wasmPath('relaxed'); return true; } catch { return false; }
}

/**
 * Whether the relaxed-SIMD build can run here. Node 20's V8 keeps relaxed SIMD behind
 * --experimental-wasm-relaxed-simd; with `enableFlag` we set it at run time (V8 reads wasm feature
 * flags at validation/compile time, so this works in practice, but it is an unofficial V8 knob).
 */
export function relaxedSimdAvailable(enableFlag: boolean): boolean {
  const bytes = readFileSync(wasmPath('relaxed'));
  if (WebAssembly.validate(bytes)) return true;
  if (!enableFlag) return false;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

export function compileVariant(variant: Variant): WebAssembly.Module {
  const bytes = readFileSync(wasmPath(variant));
  if (!WebAssembly.validate(bytes)) {
    throw new Error(`wasm kernels: ${variant} build does not validate on this runtime (${process.version})`);
  }
  return new WebAssembly.Module(bytes);
}
