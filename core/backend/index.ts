// Backends execute primitives on concrete buffers. The js backend is the reference oracle.
import type { TypedArray } from '../dtype.js';
import type { Aval, Params } from '../ir.js';
import type { Tensor } from '../tensor.js';
import { jsBackend } from './js.js';
import { makeWasmBackend, wasmKernels } from './wasm.js';

export interface Backend {
  readonly name: string;
  run(prim: string, inputs: readonly Tensor[], out: Aval, params: Params): TypedArray;
}

export type BackendName = 'js' | 'wasm' | 'gpu';

const registry = new Map<string, Backend>([['js', jsBackend]]);
const kernels = wasmKernels();
if (kernels) registry.set('wasm', makeWasmBackend(kernels));
/** wasm by default on CPU when its kernels are built; the js reference backend otherwise. */
let current: Backend = registry.get('wasm') ?? jsBackend;

export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

/** Backends built on first `setBackend(name)`, e.g. the gpu backend's gpu.js instance in Node. */
const factories = new Map<string, () => Backend>();
export function registerBackendFactory(name: BackendName, make: () => Backend): void {
  factories.set(name, make);
}

export function setBackend(name: BackendName): void {
  const make = factories.get(name);
  if (!registry.has(name) && make) registerBackend(make());
  const b = registry.get(name);
  if (!b) {
    const hint = name === 'wasm' ? ' (build the kernels with `npm run build:wasm`)' : '';
    throw new Error(`setBackend: backend '${name}' is not available${hint}; available: ${[...registry.keys()].join(', ')}`);
  }
  current = b;
}

export const currentBackend = (): Backend => current;
export const getBackend = (): string => current.name;
