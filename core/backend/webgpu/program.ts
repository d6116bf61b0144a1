// A graph planned for the webgpu backend, independent of any device: the fused elementwise chains the
// other compilers use, one arena with liveness-based offsets (core/compile/memory.ts), and the list of
// WGSL dispatches. Pure, so Node tests check the planning and its errors without a GPU.
import { Var, type Atom, type Aval, type Eqn, type Graph } from '../../ir.js';
import { Tensor } from '../../tensor.js';
import { fmt, sizeOf, type Shape } from '../../shape.js';
import { defOf } from '../../prims/registry.js';
import type { PrimName, PrimParams } from '../../prims/types.js';
import type { ElementwiseParams } from '../../prims/elementwise.js';
import { planFusion } from '../../compile/fusion.js';
import { inlineCustom } from '../../compile/inline.js';
import { planOffsets, type Lifetime } from '../../compile/memory.js';
import {
  complexBlockKernel,
  complexBlockTKernel,
  concatKernel,
  irdftModesKernel,
  rdftModesKernel,
  fusedKernel,
  gatherKernel,
  matmulKernel,
  blockedMatmulKernel,
  launchFor,
  shareByOffsets,
  padKernel,
  reduceKernel,
  scatterAddKernels,
  viewKernel,
  type Kernel,
  type KernelTarget,
} from './shaders.js';
import { fftJob, fftKernels, fftScratchWords, twiddleTable, type FftPrim } from './fftShaders.js';
import { randomKernel } from './randomShaders.js';

/** A value's place in the arena, in 4-byte words. */
export interface Slot {
  readonly offset: number;
  readonly aval: Aval;
}

export interface Program {
  readonly arenaBytes: number;
  /** the graph's explicit inputs, in order */
  readonly inputs: readonly Slot[];
  readonly outputs: readonly Slot[];
  /** literal tensors, written into the arena once */
  readonly constants: ReadonlyArray<Slot & { readonly data: Float32Array | Int32Array }>;
  readonly kernels: readonly Kernel[];
}

/** The error every unsupported graph raises: it names the backend, the primitive and what is missing. */
export class WebGpuUnsupported extends Error {
  override readonly name = 'WebGpuUnsupported';
}

type Ctx<K extends PrimName> = {
  readonly params: PrimParams[K];
  readonly inShapes: readonly Shape[];
  readonly out: Aval;
  /** arena word offset of input k */
  readonly at: (k: number) => number;
  /** arena word offset of the output */
  readonly to: number;
  readonly target: KernelTarget;
  /** arena word offsets of the step's scratch and tables (extrasFor) */
  readonly scratch: number;
  readonly tables: readonly number[];
};
type Build<K extends PrimName> = (c: Ctx<K>) => Kernel[];
type NonElementwise = Exclude<PrimName, keyof ElementwiseParams>;

/** Each non-elementwise primitive's kernels, or why it has none yet (a primitive missing here fails to compile). */
const KERNELS: { [K in NonElementwise]: Build<K> | { readonly unsupported: string } } = {
  broadcast: (c) => view('broadcast', c),
  reshape: { unsupported: 'internal: reshape shares its input buffer and never runs as a kernel' },
  transpose: (c) => view('transpose', c),
  slice: (c) => view('slice', c),
  pad: (c) => [padKernel(c.inShapes[0], c.params, c.out.shape, c.at(0), c.to)],
  concat: (c) => [
    concatKernel(
      c.inShapes,
      c.inShapes.map((_, k) => c.at(k)),
      c.out.shape,
      c.params.axis,
      c.to,
    ),
  ],
  reduce_sum: (c) => [reduceKernel(c.inShapes[0], c.params.axes, false, c.at(0), c.to, c.target)],
  reduce_max: (c) => [reduceKernel(c.inShapes[0], c.params.axes, true, c.at(0), c.to, c.target)],
  matmul: (c) => [(c.target === 'cpu' ? blockedMatmulKernel : matmulKernel)(c.inShapes[0], c.out, c.params, c.at(0), c.at(1), c.to)],
  gather: (c) => [gatherKernel(c.inShapes[0], sizeOf(c.inShapes[1]), c.params.axis, c.at(0), c.at(1), c.to)],
  scatter_add: (c) => scatterAddKernels(c.inShapes[0], c.inShapes[1], c.params, c.at(0), c.at(1), c.to),
  rfft: (c) => fftOf('rfft', c),
  irfft: (c) => fftOf('irfft', c),
  fft: (c) => fftOf('fft', c),
  ifft: (c) => fftOf('ifft', c),
  // direct sums, one thread per output (the wasm backend runs these as GEMMs or FFTs)
  rdft_modes: (c) => [rdftModesKernel(c.inShapes[0][0], sizeOf(c.inShapes[0].slice(1)), c.params.modes, c.params.weighted, c.at(0), c.to)],
  irdft_modes: (c) => [irdftModesKernel(c.params.size, sizeOf(c.inShapes[0].slice(2)), c.inShapes[0][0], c.params.weighted, c.at(0), c.to)],
  complex_block: (c) => {
    const [cin, cout, K] = c.inShapes[0];
    return [complexBlockKernel(cin, cout, K, c.at(0), c.to)];
  },
  complex_block_t: (c) => {
    const [K, cin2, cout2] = c.inShapes[0];
    return [complexBlockTKernel(cin2 / 2, cout2 / 2, K, c.at(0), c.to)];
  },
  random: (c) => [randomKernel(c.params, sizeOf(c.out.shape), c.at(0), c.to)],
  custom_vjp: { unsupported: 'a custom rule whose primal reads an enclosing trace cannot be compiled' },
  custom_jvp: { unsupported: 'a custom rule whose primal reads an enclosing trace cannot be compiled' },
  host_call: { unsupported: 'host callbacks run JavaScript on host arrays, which a compute shader cannot call' },
  bspline_transfer: { unsupported: 'the particle-grid transfers have no compute shader yet' },
};

function fftOf<K extends FftPrim>(prim: K, c: Ctx<K>): Kernel[] {
  return fftKernels(fftJob(prim, c.inShapes[0], c.params), c.at(0), c.to, c.scratch, c.tables[0]);
}

/** Arena space an equation's kernels need besides its operands: scratch words (live during its step only) and constant tables. */
interface Extras {
  readonly scratchWords: number;
  /** tables by a key naming their contents: equations asking for the same key share one copy */
  readonly tables: ReadonlyArray<{ readonly key: string; readonly data: Float32Array }>;
}
const NO_EXTRAS: Extras = { scratchWords: 0, tables: [] };
const FFTS: ReadonlySet<PrimName> = new Set<PrimName>(['rfft', 'irfft', 'fft', 'ifft']);

function extrasFor(e: Eqn): Extras {
  if (!FFTS.has(e.prim)) return NO_EXTRAS;
  const job = fftJob(e.prim as FftPrim, e.inputs[0].shape, e.params as PrimParams[FftPrim]);
  return { scratchWords: fftScratchWords(job), tables: [{ key: `twiddles ${job.n}`, data: twiddleTable(job.n) }] };
}

function view<K extends 'broadcast' | 'transpose' | 'slice'>(prim: K, c: Ctx<K>): Kernel[] {
  const v = defOf(prim).view?.(c.inShapes[0], c.out, c.params);
  if (!v) throw new Error(`internal: ${prim} has no strided view`);
  return [viewKernel(v, c.out.shape, c.at(0), c.to, prim)];
}

const describe = (a: Aval): string => `${a.dtype}${fmt(a.shape)}`;

function unsupportedDtype(a: Aval, where: string): WebGpuUnsupported {
  const fix =
    a.dtype === 'f64'
      ? "cast to f32 (fx.cast(x, 'f32')) or run this function on the wasm backend, which computes in f64"
      : 'i32 values are supported only as gather/scatter-add indices; run this function on the wasm backend';
  return new WebGpuUnsupported(`webgpu backend: dtype ${a.dtype} is not supported (f32 only): ${where} is ${describe(a)}; ${fix}`);
}

/** Input slots that hold i32 indices. */
const indexSlot = (prim: PrimName, k: number): boolean =>
  (prim === 'gather' && k === 1) || (prim === 'scatter_add' && k === 0) || (prim === 'random' && k === 0);

/** Throws WebGpuUnsupported for the first value the backend cannot hold: anything but f32, i32 indices aside. */
function checkDtypes(g: Graph): void {
  g.inputs.forEach((v, i) => {
    if (v.dtype === 'f64') throw unsupportedDtype(v, `input ${i}`);
  });
  for (const e of g.eqns) {
    if (e.out.dtype !== 'f32') throw unsupportedDtype(e.out, `the output of ${e.prim}`);
    e.inputs.forEach((a, k) => {
      const want = indexSlot(e.prim, k) ? 'i32' : 'f32';
      if (a.dtype !== want) throw unsupportedDtype(a, `input ${k} of ${e.prim}${a instanceof Tensor ? ' (a constant)' : ''}`);
    });
  }
  g.outputs.forEach((a, i) => {
    if (a.dtype === 'f64') throw unsupportedDtype(a, `output ${i}`);
  });
}

/** Ops whose output is the input's bytes unchanged share its arena range. */
const aliases = (e: Eqn): boolean => !!defOf(e.prim).alias;

/**
 * Plans `graph` for the webgpu backend, its kernels shaped for `target` (shaders.ts KernelTarget); throws
 * WebGpuUnsupported naming what it cannot run.
 */
export function planProgram(graph0: Graph, target: KernelTarget = 'gpu'): Program {
  const graph = inlineCustom(graph0);
  if (graph.captured.length) {
    throw new WebGpuUnsupported('webgpu backend: this graph reads values of an enclosing trace; compile the outermost function instead');
  }
  checkDtypes(graph);
  const plan = planFusion(graph, false);
  const root = new Map<Atom, Atom>();
  const owner = (a: Atom): Atom => root.get(a) ?? a;
  const life = new Map<Atom, Lifetime>();
  const touch = (a: Atom, at: number): void => {
    const o = owner(a);
    let l = life.get(o);
    if (!l) {
      const isInput = o instanceof Var && graph.inputs.includes(o);
      l = { bytes: sizeOf(o.shape) * 4, first: isInput || !(o instanceof Var) ? -1 : at, last: at };
      life.set(o, l);
    }
    // constants are written once at compile time, so no other value may ever take their range
    l.last = o instanceof Var ? Math.max(l.last, at) : Infinity;
  };
  graph.inputs.forEach((v) => touch(v, -1));
  plan.steps.forEach(({ eqn, kernel }, i) => {
    (kernel ? kernel.inputs : eqn.inputs).forEach((a) => touch(a, i));
    if (aliases(eqn) && !kernel) root.set(eqn.out, owner(eqn.inputs[0]));
    else touch(eqn.out, i);
  });
  for (const a of graph.outputs) touch(a, Infinity);
  const owners = [...life.keys()];
  // scratch lives during its own step; each distinct table, like the constants, for good
  const extras = plan.steps.map(({ eqn, kernel }) => (kernel ? NO_EXTRAS : extrasFor(eqn)));
  const tableData = new Map(extras.flatMap((x) => x.tables.map((t) => [t.key, t.data] as const)));
  const tableKeys = [...tableData.keys()];
  const scratchSteps = extras.flatMap((x, i) => (x.scratchWords ? [i] : []));
  const { offsets, total } = planOffsets([
    ...owners.map((o) => life.get(o) as Lifetime),
    ...scratchSteps.map((i) => ({ bytes: extras[i].scratchWords * 4, first: i, last: i })),
    ...tableKeys.map((k) => ({ bytes: (tableData.get(k) as Float32Array).length * 4, first: -1, last: Infinity })),
  ]);
  const words = new Map<Atom, number>(owners.map((o, i) => [o, offsets[i] / 4]));
  const scratchAt = new Map(scratchSteps.map((i, j) => [i, offsets[owners.length + j] / 4]));
  const tableAt = new Map(tableKeys.map((k, j) => [k, offsets[owners.length + scratchSteps.length + j] / 4]));
  const extraAt = extras.map((x, i) => ({ scratch: scratchAt.get(i) ?? 0, tables: x.tables.map((t) => tableAt.get(t.key) as number) }));
  const at = (a: Atom): number => {
    const w = words.get(owner(a));
    if (w === undefined) throw new Error(`internal: no arena slot for ${String(a)}`);
    return w;
  };
  const slot = (a: Atom): Slot => ({ offset: at(a), aval: { shape: a.shape, dtype: a.dtype } });

  const kernels: Kernel[] = [];
  for (const [i, { eqn, kernel }] of plan.steps.entries()) {
    if (kernel) {
      const k = fusedKernel(kernel, (j) => at(kernel.inputs[j]), at(eqn.out));
      if ('missing' in k) throw new WebGpuUnsupported(`webgpu backend: primitive '${k.missing}' has no WGSL rendering`);
      kernels.push(k);
      continue;
    }
    if (aliases(eqn)) continue;
    const build = KERNELS[eqn.prim as NonElementwise] as Build<PrimName> | { unsupported: string };
    if ('unsupported' in build)
      throw new WebGpuUnsupported(`webgpu backend: primitive '${eqn.prim}' is not supported: ${build.unsupported}`);
    if (sizeOf(eqn.out.shape) === 0) continue;
    kernels.push(
      ...build({
        params: eqn.params,
        inShapes: eqn.inputs.map((a) => a.shape),
        out: eqn.out,
        at: (k) => at(eqn.inputs[k]),
        to: at(eqn.out),
        target,
        ...extraAt[i],
      }),
    );
  }
  const constants = [
    ...owners.flatMap((o) => {
      if (o instanceof Var) return [];
      const data = o.dataSync();
      return [{ ...slot(o), data: data instanceof Int32Array ? data : Float32Array.from(data) }];
    }),
    ...tableKeys.map((k) => {
      const data = tableData.get(k) as Float32Array;
      return { offset: tableAt.get(k) as number, aval: { shape: [data.length], dtype: 'f32' as const }, data };
    }),
  ];
  return {
    arenaBytes: Math.max(total, 256),
    inputs: graph.inputs.map(slot),
    outputs: graph.outputs.map(slot),
    constants,
    kernels: shareByOffsets(kernels.map((k) => launchFor(k, target))),
  };
}
