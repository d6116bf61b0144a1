// Backends execute primitives on concrete buffers; those that can also compile a whole graph (jit) say so
// by having `compile`. Backends are plain objects: the current one is chosen with setBackend or, for the
// duration of one function, withBackend. Nothing registers itself by being imported.
import type { TypedArray } from '../dtype.js';
import type { Aval, Graph } from '../ir.js';
import type { Tensor } from '../tensor.js';
import type { AnyParams, PrimName } from '../prims/types.js';
import type { Carry } from '../compile/carry.js';
import { jsBackend } from './js.js';
import { makeWasmBackend, wasmKernels } from './wasm.js';

export interface RunOptions {
  reuseOutputs?: boolean;
}

export interface CompileOptions {
  /** state kept by the compiled graph between runs (fx.jitCarry); backends without readInput ignore it */
  carry?: readonly Carry[];
}

/** A graph compiled once for repeated runs on concrete inputs. */
export interface Compiled {
  /** reuseOutputs: the returned tensors may wrap buffers the compiled graph owns and overwrites on its next run */
  run(args: readonly Tensor[], options?: RunOptions): Tensor[];
  /** bytes of working memory one run uses, where the backend plans it (the wasm arena) */
  readonly arenaBytes?: number;
  /**
   * Where the backend keeps CompileOptions.carry: run() ignores the carried inputs' arguments, returns only the outputs
   * not carried, and these read and set the carried inputs' values.
   */
  readInput?(j: number): TypedArray;
  writeInput?(j: number, data: ArrayLike<number>): void;
}

export interface Backend {
  readonly name: string;
  /** evaluates one primitive on concrete inputs */
  run(prim: PrimName, inputs: readonly Tensor[], out: Aval, params: AnyParams): TypedArray;
  /** compiles a graph for `jit`; backends without it have their graphs interpreted one primitive at a time */
  compile?(graph: Graph, options?: CompileOptions): Compiled;
}

export type BackendName = 'js' | 'wasm' | 'gpu';

/** Backends known by name: js always, wasm when its kernels are built, others once made (registerBackend). */
const known = new Map<string, Backend>([['js', jsBackend]]);
const kernels = wasmKernels();
if (kernels) known.set('wasm', makeWasmBackend(kernels));
/** wasm by default on CPU when its kernels are built; the js reference backend otherwise. */
let current: Backend = known.get('wasm') ?? jsBackend;

/** Makes `b` selectable by its name (setBackend('gpu') after registerGpuBackend(...), for example). */
export function registerBackend(b: Backend): void {
  known.set(b.name, b);
}

/** The backend with this name, if it is known. */
export const findBackend = (name: string): Backend | undefined => known.get(name);

function resolve(b: BackendName | Backend, what: string): Backend {
  if (typeof b !== 'string') return b;
  const found = known.get(b);
  if (!found) {
    const hint =
      b === 'wasm'
        ? ' (build the kernels with `npm run build:wasm`)'
        : b === 'gpu'
          ? ' (make it with registerGpuBackend(gpu), or use the Node entry point, which builds it on demand)'
          : '';
    throw new Error(`${what}: backend '${b}' is not available${hint}; available: ${[...known.keys()].join(', ')}`);
  }
  return found;
}

/** Makes `b` (a name or a backend object) the backend every later operation runs on. */
export function setBackend(b: BackendName | Backend): void {
  current = resolve(b, 'setBackend');
}

/** Runs `fn` with `b` as the current backend, then restores the previous one (also when fn throws). */
export function withBackend<R>(b: BackendName | Backend, fn: () => R): R {
  const previous = current;
  current = resolve(b, 'withBackend');
  try {
    return fn();
  } finally {
    current = previous;
  }
}

export const currentBackend = (): Backend => current;
export const getBackend = (): string => current.name;
