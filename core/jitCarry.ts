// fx.jitCarry: a jitted step with state, f(state, ...args) -> [state', out], whose state stays inside the compiled graph
// between calls (the wasm arena) instead of being copied in and out: a training step's parameters and optimizer
// moments, updated in place by the step's own fused loops. Backends that cannot keep state get the same results
// with the state held as tensors on the host.
import { Tensor } from './tensor.js';
import { leaves, unflatten, unflattenEach, type PyTree } from './pytree.js';
import { evalGraph, makeGraph } from './trace.js';
import { avalsOf, signature } from './api.js';
import { fmt } from './shape.js';
import type { Aval, Graph } from './ir.js';
import { currentBackend, type Backend, type Compiled } from './backend/index.js';

interface Entry<R> {
  graph: Graph;
  outLike: R;
  /** outputs before the state's */
  nOut: number;
  exe?: Compiled;
  /** the compiled graph keeps the state (readInput/writeInput) */
  resident: boolean;
}

export interface JitCarryOptions {
  /** run on this backend instead of the current one */
  backend?: Backend;
}

export class CarriedStep<S extends PyTree, A extends PyTree[], R extends PyTree> {
  private readonly avals: Aval[];
  /** stand-ins for the carried arguments, which a resident graph does not read (not init's leaves: once the state is
   * resident, its host copy, e.g. an optimizer's zero moments of a 1e8-parameter layer, can be collected) */
  private readonly ignored: Tensor[];
  /** init's tree structure (leaves replaced by the stand-ins) */
  private readonly like: S;
  /** the state's leaves while no compiled graph holds it */
  private host: Tensor[] | null;
  /** the compiled graph holding the state, when one does */
  private holder: Entry<R> | null = null;
  private readonly caches = new WeakMap<Backend, Map<string, Entry<R>>>();

  constructor(
    private readonly f: (state: S, ...args: A) => [S, R],
    init: S,
    private readonly options: JitCarryOptions = {},
  ) {
    this.host = leaves(init);
    this.avals = avalsOf(this.host);
    const unread = new Tensor([], 'f32', new Float32Array(1));
    this.ignored = this.avals.map(() => unread);
    this.like = unflatten(init, this.ignored); // the structure only
  }

  /** One step: runs f on the current state and `args`, keeps the new state, returns f's other output. */
  call(...args: A): R {
    const backend = this.options.backend ?? currentBackend();
    let cache = this.caches.get(backend);
    if (!cache) this.caches.set(backend, (cache = new Map()));
    const flatArgs = args.flatMap((a) => leaves(a));
    if (flatArgs.some((t) => t.isTracer))
      throw new Error('jitCarry: a step with state cannot run inside a transformation (jit, grad, vmap)');
    const key = signature(args, flatArgs);
    let entry = cache.get(key);
    if (!entry) cache.set(key, (entry = this.compile(backend, args, flatArgs)));
    if (entry.resident) {
      if (this.holder !== entry) this.moveTo(entry);
      const outs = (entry.exe as Compiled).run([...this.ignored, ...flatArgs]);
      return unflatten(entry.outLike, outs);
    }
    const flat = [...this.readLeaves(0, this.avals.length), ...flatArgs];
    const outs = entry.exe ? entry.exe.run(flat) : evalGraph(entry.graph, flat);
    this.host = outs.slice(entry.nOut);
    this.holder = null;
    return unflatten(entry.outLike, outs.slice(0, entry.nOut));
  }

  /** The current state (copies: later steps do not change them). */
  get state(): S {
    return unflatten(this.like, this.readLeaves(0, this.avals.length));
  }

  /** Replaces the state; the next step starts from it. */
  set state(s: S) {
    const ls = leaves(s);
    if (ls.length !== this.avals.length) throw new Error(`jitCarry state: expected ${this.avals.length} leaves, got ${ls.length}`);
    this.writeLeaves(0, ls);
  }

  /** State leaves [from, to) in leaves() order (copies), e.g. only the parameters of a (params, moments) state. */
  readLeaves(from: number, to: number): Tensor[] {
    const h = this.holder;
    if (!h) return (this.host as Tensor[]).slice(from, to);
    const exe = h.exe as Required<Compiled>;
    return this.avals.slice(from, to).map((a, k) => new Tensor(a.shape, a.dtype, exe.readInput(from + k)));
  }

  /** Replaces state leaves from, from + 1, ... by `ts`. */
  writeLeaves(from: number, ts: readonly Tensor[]): void {
    ts.forEach((t, k) => this.checkLeaf('state', t, from + k));
    const h = this.holder;
    if (h) ts.forEach((t, k) => (h.exe as Required<Compiled>).writeInput(from + k, t.dataSync()));
    else (this.host as Tensor[]).splice(from, ts.length, ...ts);
  }

  private checkLeaf(what: string, t: Tensor, j: number): void {
    const a = this.avals[j];
    if (t.dtype !== a.dtype || fmt(t.shape) !== fmt(a.shape))
      throw new Error(`jitCarry ${what}: leaf ${j} is ${t.dtype}${fmt(t.shape)}, the state's is ${a.dtype}${fmt(a.shape)}`);
  }

  private moveTo(entry: Entry<R>): void {
    const exe = entry.exe as Required<Compiled>;
    this.readLeaves(0, this.avals.length).forEach((t, j) => exe.writeInput(j, t.dataSync()));
    this.holder = entry;
    this.host = null;
  }

  private compile(backend: Backend, args: A, flatArgs: Tensor[]): Entry<R> {
    const n = this.avals.length;
    let outLike: R | undefined;
    let nOut = 0;
    const graph = makeGraph(
      (...xs) => {
        const [s, ...rest] = unflattenEach([this.like, ...args] as PyTree[], xs) as [S, ...A];
        const [next, out] = this.f(s, ...rest);
        const ns = leaves(next);
        if (ns.length !== n) throw new Error(`jitCarry: the step returned a state of ${ns.length} leaves, the state has ${n}`);
        ns.forEach((t, j) => this.checkLeaf('step', t, j));
        outLike = out;
        nOut = leaves(out).length;
        return [...leaves(out), ...ns];
      },
      [...this.avals, ...avalsOf(flatArgs)],
    );
    if (graph.captured.length) throw new Error('jitCarry: the step reads values of an enclosing transformation');
    const carry = this.avals.map((_, j) => ({ output: nOut + j, input: j }));
    const exe = backend.compile?.(graph, { carry });
    const resident = !!exe?.readInput && !!exe.writeInput;
    return { graph, outLike: outLike as R, nOut, exe, resident };
  }
}

/**
 * jitCarry(f, init): f(state, ...args) -> [state', out] compiled once per argument signature, with the state kept
 * by the compiled graph between calls. `step.call(...args)` advances it and returns out; `step.state` reads (copies)
 * or replaces it. state' must have init's structure, shapes and dtypes.
 */
export function jitCarry<S extends PyTree, A extends PyTree[], R extends PyTree>(
  f: (state: S, ...args: A) => [S, R],
  init: S,
  options: JitCarryOptions = {},
): CarriedStep<S, A, R> {
  return new CarriedStep(f, init, options);
}
