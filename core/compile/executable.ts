// A graph compiled for the wasm backend: fused elementwise loops, GEMM/SIMD kernels on pointers,
// all values in one planned arena inside wasm memory. Built once per shape signature by fx.jit.
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import { Tensor } from '../tensor.js';
import { allocate, type DType, type TypedArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { jsBackend } from '../backend/js.js';
import { copyView, isContiguousRun } from '../kernels/strided.js';
import { outsideGrid } from '../kernels/bspline.js';
import { defOf } from '../prims/registry.js';
import type { WasmKernels, UnaryOp } from '../wasm/kernels.js';
import type { SharedLoops } from '../wasm/helperThread.js';
import { planFusion, WASM_FUSION, type FusedKernel, type FusionOptions, type FusionPlan } from './fusion.js';
import { jsLoop } from './jsgen.js';
import { wasmEligible, wasmLoops } from './wasmgen.js';
import { planOffsets, type Lifetime } from './memory.js';
import { dftStep } from './spectralStep.js';
import { checkCarries, inPlaceCarries, type Carry } from './carry.js';
import { describeStep, stepProfiler, timedStep } from './profile.js';
import type { PrimParams } from '../prims/types.js';
import type { RunOptions } from '../backend/index.js';

const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4 };
/**
 * Where an op's output lies inside its input's bytes (element offset), or null: ops whose output is the input's bytes
 * unchanged (reshape and the like) at 0, and slices that are one contiguous run of their input (a row block) at the
 * run's start. Such outputs share their input's buffer: no step runs for them.
 */
export function aliasOffset(e: Eqn): number | null {
  if (defOf(e.prim).alias || e.prim === 'stop_gradient') return 0;
  if (e.prim !== 'slice') return null;
  const view = (defOf('slice').view as NonNullable<ReturnType<typeof defOf>['view']>)((e.inputs[0] as Var).shape, e.out, e.params);
  return isContiguousRun(view, e.out.shape) ? view.offset : null;
}
/**
 * A planned step's alias offset (aliasOffset), or null where the step runs. A stop_gradient is elementwise, so its loop
 * may compute its input inline (a reshape read through, a single-use product): that input has no bytes to share, so
 * the loop runs. It aliases only where its loop reads the stored input itself.
 */
export function stepAlias({ eqn, kernel }: FusionPlan['steps'][number]): number | null {
  return !kernel || kernel.inputs[0] === eqn.inputs[0] ? aliasOffset(eqn) : null;
}

type Step = () => void;
/** A contiguous copy inside the arena: source atom, source element offset, output element offset, length. */
type Block = readonly [Atom, number, number, number];

/** dtype, shape and value of a constant whose entries are all equal; null for any other constant. */
function fillKey(t: Tensor): string | null {
  const d = t.dataSync();
  const v = d[0];
  for (let i = 1; i < d.length; i++) if (!Object.is(d[i], v)) return null;
  return `${t.dtype}[${t.shape.join(',')}]=${Object.is(v, -0) ? '-0' : String(v)}`;
}

export class Executable {
  private readonly slot = new Map<Atom, { offset: number; size: number; dtype: DType }>();
  private readonly steps: Step[] = [];
  private base = 0;
  private viewsFor: ArrayBuffer | SharedArrayBuffer | null = null;
  private views = new Map<Atom, TypedArray>();
  private bytesView: Uint8Array | null = null;
  /** per output, the buffer runs with reuseOutputs write into */
  private readonly outputs: TypedArray[] = [];
  /** carried state: inputs kept in the arena between runs, and the carries not computed in place (copied after a run) */
  private readonly carried = new Set<number>();
  private readonly copies: Carry[] = [];
  private readonly carriedOutputs = new Set<number>();
  /** a copied carry reads an input's buffer that another copy may overwrite first (a swap) */
  private readonly copyViaSnapshot: boolean;

  /** How many fused loops run as generated wasm SIMD (the rest as generated JS). */
  readonly wasmLoopCount: number;
  /** The generated loop module, named so the helper thread can run half of each large loop. */
  private readonly sharedLoops: SharedLoops | null;
  /** Bytes of the arena holding every value of one run (inputs, intermediates, outputs, constants). */
  readonly arenaBytes: number;

  constructor(
    private readonly graph: Graph,
    private readonly kernels: WasmKernels,
    options: { fusion?: 'wasm' | 'js'; carry?: readonly Carry[]; fusionOptions?: FusionOptions } = {},
  ) {
    // a transcendental joins only loops that run as generated wasm (never with the JS generator)
    const plan = planFusion(graph, true, options.fusionOptions ?? WASM_FUSION, (k) => options.fusion !== 'js' && wasmEligible(k));
    const root = new Map<Atom, Atom>(); // alias -> owner of the bytes
    const owner = (a: Atom): Atom => root.get(a) ?? a;
    const at = new Map<Atom, number>(); // alias -> its element offset in the owner's bytes
    const life = new Map<Atom, Lifetime>();
    const fills = new Map<string, Tensor>();
    const keyed = new Set<Tensor>(); // constants already looked at: fillKey reads every value, once each
    const touch = (a: Atom, at: number): void => {
      if (a instanceof Tensor && !keyed.has(a)) {
        keyed.add(a);
        // derivative rules make full-shape fills (the 1 in 1 - tanh^2) per step: equal fills share one buffer
        const key = fillKey(a);
        const first = key && fills.get(key);
        if (first) root.set(a, first);
        else if (key) fills.set(key, a);
      }
      const o = owner(a);
      let l = life.get(o);
      if (!l) {
        const v = o as Var | Tensor;
        l = { bytes: sizeOf(v.shape) * BYTES[v.dtype], first: o instanceof Var && !graph.inputs.includes(o) ? at : -1, last: at };
        life.set(o, l);
      }
      l.last = Math.max(l.last, at);
      if (!(o instanceof Var)) l.first = -1; // constants live for the whole run
    };
    graph.inputs.forEach((v) => touch(v, -1));
    plan.steps.forEach((step, i) => {
      const { eqn, kernel } = step;
      const reads = kernel ? kernel.inputs : eqn.inputs;
      reads.forEach((a) => touch(a, i));
      const offset = stepAlias(step);
      if (offset !== null) {
        root.set(eqn.out, owner(eqn.inputs[0]));
        at.set(eqn.out, (at.get(eqn.inputs[0]) ?? 0) + offset);
      } else touch(eqn.out, i);
    });
    for (const a of graph.outputs) touch(a, Infinity);
    const carries = options.carry ?? [];
    checkCarries(graph, carries);
    const inPlace = inPlaceCarries(graph, plan, carries, life, owner);
    for (const c of carries) {
      this.carried.add(c.input);
      this.carriedOutputs.add(c.output);
      (life.get(graph.inputs[c.input]) as Lifetime).last = Infinity;
      const o = graph.outputs[c.output];
      if (o instanceof Var && inPlace.get(o) === graph.inputs[c.input]) life.delete(o);
      else this.copies.push(c);
    }
    this.copyViaSnapshot = this.copies.some((c) => graph.inputs.includes(owner(graph.outputs[c.output]) as Var));
    const owners = [...life.keys()];
    // constants never share: they are written once at compile time
    const items = owners.map((o) =>
      o instanceof Var ? (life.get(o) as Lifetime) : { ...(life.get(o) as Lifetime), first: -1, last: Infinity },
    );
    const { offsets, total } = planOffsets(items);
    this.arenaBytes = Math.max(total, 64);
    this.base = kernels.alloc(this.arenaBytes);
    owners.forEach((o, i) => {
      const v = o as Var | Tensor;
      this.slot.set(o, { offset: this.base + offsets[i], size: sizeOf(v.shape), dtype: v.dtype });
    });
    for (const [o, i] of inPlace) this.slot.set(o, this.slot.get(i) as { offset: number; size: number; dtype: DType });
    for (const [alias, o] of root) {
      const s = this.slot.get(owner(o)) as { offset: number; size: number; dtype: DType };
      const v = alias as Var | Tensor;
      this.slot.set(alias, { offset: s.offset + (at.get(alias) ?? 0) * BYTES[s.dtype], size: sizeOf(v.shape), dtype: s.dtype });
    }
    for (const o of owners) if (!(o instanceof Var)) this.view(o).set(o.dataSync());
    // aliased steps run nothing: their loops are not compiled
    const loops = plan.steps.flatMap((s) =>
      s.kernel && stepAlias(s) === null && options.fusion !== 'js' && wasmEligible(s.kernel) ? [s.kernel] : [],
    );
    const compiled = wasmLoops(loops, (k) => ({ inputs: k.inputs.map(this.ptr), out: this.ptr(k.out) }), kernels.memory);
    this.sharedLoops = compiled && kernels.shareLoops(compiled.module);
    const wasmLoop = new Map<FusedKernel, Step>();
    if (compiled) {
      const shared = this.sharedLoops as SharedLoops;
      loops.forEach((k, i) => {
        const [fn, end] = [compiled.fns[i], compiled.ends[i]];
        wasmLoop.set(k, () => kernels.runLoop(shared, i, fn, end));
      });
    }
    this.wasmLoopCount = loops.length;
    const profiler = stepProfiler(); // opt-in (bench/profile.ts): without one the steps are not wrapped
    for (const planned of plan.steps) {
      if (stepAlias(planned) !== null) continue;
      const { eqn, kernel } = planned;
      const loop = kernel && wasmLoop.get(kernel);
      const step = loop ?? this.compileStep(eqn, kernel);
      this.steps.push(profiler ? timedStep(profiler, describeStep(eqn, kernel, !!loop), step) : step);
    }
  }

  /** Frees the arena; the executable must not be run afterwards. */
  dispose(): void {
    if (this.sharedLoops) this.kernels.forgetLoops(this.sharedLoops);
    this.kernels.free(this.base);
  }

  private view(a: Atom): TypedArray {
    const buf = this.kernels.memory.buffer;
    if (buf !== this.viewsFor) {
      this.views.clear();
      this.viewsFor = buf;
    }
    let v = this.views.get(a);
    if (!v) {
      const s = this.slot.get(a);
      if (!s) throw new Error(`internal: no buffer planned for ${String(a)}`);
      v =
        s.dtype === 'f64'
          ? this.kernels.f64view(s.offset, s.size)
          : s.dtype === 'i32'
            ? this.kernels.i32view(s.offset, s.size)
            : this.kernels.f32view(s.offset, s.size);
      this.views.set(a, v);
    }
    return v;
  }
  private ptr = (a: Atom): number => (this.slot.get(a) as { offset: number }).offset;

  /**
   * The 2D f64 position gradients of the B-spline transfer (the MPM backward's particle loops) on the wasm kernel;
   * null for every other transfer (the JS kernels of core/kernels/bspline.ts run those).
   */
  private bsplineGradStep(e: Eqn): Step | null {
    const { nGrid, free, tangents } = e.params as PrimParams['bspline_transfer'];
    const [x, A, g] = e.inputs as Var[];
    const also = free === 'pos+coef' ? 'coef' : free === 'pos+grid' ? 'grid' : free === 'pos' ? null : undefined;
    if (also === undefined || tangents !== 0 || e.out.dtype !== 'f64' || x.shape[0] !== 2) return null;
    const n = x.shape[1];
    const c = A.shape[0];
    return () => {
      const pos = this.ptr(e.out);
      const bad = this.kernels.bsplineGradPos2(this.ptr(x), this.ptr(A), this.ptr(g), pos, pos + 16 * n, n, c, nGrid, also);
      if (bad >= 0) outsideGrid(bad >> 1, bad & 1, this.view(x)[(bad & 1) * n + (bad >> 1)]);
    };
  }

  private compileStep(e: Eqn, kernel?: FusedKernel): Step {
    const n = sizeOf(e.out.shape);
    if (kernel) {
      const loop = jsLoop(kernel);
      return () =>
        loop(
          this.view(e.out),
          kernel.inputs.map((a) => this.view(a)),
        );
    }
    const [a0, a1] = e.inputs;
    if (e.prim === 'matmul' && e.out.dtype !== 'i32') {
      const r = e.out.shape.length;
      const sa = (a0 as Var).shape;
      const { transA, transB } = e.params as PrimParams['matmul'];
      const g = {
        dtype: e.out.dtype as 'f32' | 'f64',
        m: e.out.shape[r - 2],
        n: e.out.shape[r - 1],
        k: transA ? sa[r - 2] : sa[r - 1],
        transA,
        transB,
        batch: sizeOf(e.out.shape.slice(0, r - 2)),
      };
      return () => this.kernels.gemm({ ...g, a: this.ptr(a0), b: this.ptr(a1), c: this.ptr(e.out) });
    }
    const def = defOf(e.prim);
    if (e.out.dtype === 'f32' && def.simdKernel) {
      return () => this.kernels.unary(e.prim as UnaryOp, this.ptr(a0), this.ptr(e.out), n);
    }
    const axes = e.prim === 'reduce_sum' ? (e.params as PrimParams['reduce_sum']).axes : [];
    const contiguous = axes.every((ax, i) => i === 0 || ax === axes[i - 1] + 1);
    // f64 too: a simulator's parameter cotangents are sums over every particle, several per step
    if (e.prim === 'reduce_sum' && e.out.dtype !== 'i32' && contiguous && axes.length) {
      const s = (a0 as Var).shape;
      const outer = sizeOf(s.slice(0, axes[0]));
      const len = sizeOf(s.slice(axes[0], axes[axes.length - 1] + 1));
      const inner = sizeOf(s.slice(axes[axes.length - 1] + 1));
      const dtype = e.out.dtype;
      return () => this.kernels.reduce('sum', this.ptr(a0), this.ptr(e.out), outer, len, inner, dtype);
    }
    if (e.prim === 'rdft_modes' || e.prim === 'irdft_modes') return this.spectralStep(e);
    const transfer = e.prim === 'bspline_transfer' ? this.bsplineGradStep(e) : null;
    if (transfer) return transfer;
    // view-like ops (broadcast, transpose, slice) and concat/pad copy straight into the planned buffer
    if (def.view) {
      const view = def.view((a0 as Var).shape, e.out, e.params);
      // a view that is one contiguous run of its input (a row block of a slice) is a single memmove in the arena:
      // the strided loop's per-call setup costs more than the copy at the sizes small simulations run at
      if (isContiguousRun(view, e.out.shape)) return this.blockCopies([[a0, view.offset, 0, n]], e.out);
      return () => copyView(this.view(a0), view, this.view(e.out), e.out.shape);
    }
    // concat along an axis with only unit axes before it: each input is one contiguous block of the output
    if (e.prim === 'concat') {
      const { axis } = e.params as PrimParams['concat'];
      if (e.out.shape.slice(0, axis).every((d) => d === 1)) {
        let at = 0;
        const blocks = e.inputs.map((a): Block => {
          const len = sizeOf((a as Var).shape);
          at += len;
          return [a, 0, at - len, len];
        });
        return this.blockCopies(blocks, e.out);
      }
    }
    const place = def.place;
    if (place) {
      const shapes = e.inputs.map((a) => (a as Var).shape);
      return () =>
        place(
          e.inputs.map((a) => this.view(a)),
          shapes,
          e.out,
          e.params,
          this.view(e.out),
        );
    }
    // everything else on the reference loops, written into the planned buffer
    return () => {
      const ins = e.inputs.map((a) => new Tensor((a as Var).shape, (a as Var).dtype, this.view(a)));
      this.view(e.out).set(jsBackend.run(e.prim, ins, e.out, e.params));
    };
  }

  /** Copies each block [src, src element offset, out element offset, length] inside the arena (memmove semantics). */
  private blockCopies(blocks: readonly Block[], out: Var): Step {
    const width = BYTES[out.dtype];
    const moves = blocks.map(([a, from, to, len]) => [this.ptr(out) + to * width, this.ptr(a) + from * width, len * width] as const);
    return () => {
      const mem = this.arenaBytesView();
      for (const [to, from, bytes] of moves) mem.copyWithin(to, from, from + bytes);
    };
  }

  /** The wasm memory as bytes (a fresh view after the memory grows). */
  private arenaBytesView(): Uint8Array {
    const buf = this.kernels.memory.buffer;
    if (this.bytesView?.buffer !== buf) this.bytesView = new Uint8Array(buf);
    return this.bytesView;
  }

  /** The truncated real DFTs of spectral layers, along the leading axis: GEMM or FFT on the planned buffers. */
  private spectralStep(e: Eqn): Step {
    const x = e.inputs[0] as Var;
    const dtype = e.out.dtype as 'f32' | 'f64';
    const { weighted } = e.params as PrimParams['rdft_modes' | 'irdft_modes'];
    const go =
      e.prim === 'rdft_modes'
        ? dftStep(this.kernels, 'rdft', { n: x.shape[0], m: e.out.shape[0], L: sizeOf(x.shape.slice(1)), dtype, weighted })
        : dftStep(this.kernels, 'irdft', { n: e.out.shape[0], m: x.shape[0], L: sizeOf(x.shape.slice(2)), dtype, weighted });
    return () => go(this.ptr(x), this.ptr(e.out));
  }

  /** The value of carried input `j` now (a copy). */
  readInput(j: number): TypedArray {
    return this.view(this.graph.inputs[j]).slice();
  }

  /** Sets carried input `j` for the next run. */
  writeInput(j: number, data: ArrayLike<number>): void {
    this.view(this.graph.inputs[j]).set(data);
  }

  /** Runs the graph; carried inputs are read from the arena (their `args` entries are ignored) and only the outputs not carried are returned. */
  run(args: readonly Tensor[], options: RunOptions = {}): Tensor[] {
    this.graph.inputs.forEach((v, i) => {
      if (this.slot.has(v) && !this.carried.has(i)) this.view(v).set(args[i].dataSync());
    });
    for (const step of this.steps) step();
    this.copyCarries();
    return this.graph.outputs.flatMap((a, k) => {
      if (this.carriedOutputs.has(k)) return [];
      if (!(a instanceof Var)) return [a];
      // a fresh large array is paged in by its first write, which can cost more than the whole run (shared
      // machine): callers that copy the outputs out at once reuse one buffer per output instead
      let out = options.reuseOutputs ? this.outputs[k] : undefined;
      if (!out) {
        out = allocate(a.dtype, sizeOf(a.shape));
        if (options.reuseOutputs) this.outputs[k] = out;
      }
      out.set(this.view(a));
      return [new Tensor(a.shape, a.dtype, out)];
    });
  }

  /** Carried outputs not computed in place, into their inputs (through copies where one of them is an input's old value). */
  private copyCarries(): void {
    if (!this.copies.length) return;
    const from = this.copies.map((c) => this.view(this.graph.outputs[c.output]));
    const values = this.copyViaSnapshot ? from.map((v) => v.slice()) : from;
    this.copies.forEach((c, k) => this.view(this.graph.inputs[c.input]).set(values[k]));
  }
}
