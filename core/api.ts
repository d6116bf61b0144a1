// Public transformations: trace the user's function into a graph, then interpret it with a rule table.
// Inside another transformation the interpretation is itself traced, which is how they compose.
import { bind, evalGraph, makeGraph } from './trace.js';
import { Tensor } from './tensor.js';
import * as ops from './ops.js';
import { leaves, unflatten, unflattenEach, type PyTree } from './pytree.js';
import { vjpGraph } from './transforms/vjp.js';
import { jvpGraph } from './transforms/jvp.js';
import { jetGraph } from './transforms/jet.js';
import { fmt } from './shape.js';
import type { Graph } from './ir.js';
import { currentBackend, withBackend, type Backend, type Compiled } from './backend/index.js';

type Avals = Array<{ shape: readonly number[]; dtype: Tensor['dtype'] }>;
export const avalsOf = (ts: readonly Tensor[]): Avals => ts.map((t) => ({ shape: t.shape, dtype: t.dtype }));

/** What a jitted function compiles once for: the leaves' dtypes and shapes, and how many leaves each argument has. */
export const signature = (args: readonly PyTree[], flat: readonly Tensor[]): string =>
  flat.map((t) => `${t.dtype}${fmt(t.shape)}`).join(';') + `|${args.map((a) => leaves(a).length).join(',')}`;

function asScalarLoss(what: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) throw new TypeError(`${what}: the function must return a Tensor, got ${typeof out}`);
  if (out.size !== 1) throw new Error(`${what}: the function must return a scalar, got shape ${fmt(out.shape)}`);
  return out;
}

/** Replaces args[argnums[i]] by the trees rebuilt from `flat`. */
function withArgs(args: readonly unknown[], argnums: readonly number[], flat: readonly Tensor[]): unknown[] {
  const out = [...args];
  let at = 0;
  for (const i of argnums) {
    const tree = args[i] as PyTree;
    const n = leaves(tree).length;
    out[i] = unflatten(tree, flat.slice(at, at + n));
    at += n;
  }
  return out;
}

/** Cotangents for leaves the output does not depend on are zeros, not nulls. */
const orZeros = (cts: ReadonlyArray<Tensor | null>, like: readonly Tensor[]): Tensor[] => cts.map((c, i) => c ?? ops.zerosLike(like[i]));

export interface GradOptions {
  /** f returns [loss, aux]; aux (any tree of Tensors) is returned beside the value */
  hasAux?: boolean;
}

/**
 * f's loss traced over the leaves of args[argnums]: graph outputs are the loss, then (with hasAux) the aux leaves.
 * `finish` rebuilds the caller's value and the per-leaf derivatives into grad's result shapes.
 */
function traceLoss<Args extends unknown[]>(
  what: string,
  f: (...args: Args) => Tensor | [Tensor, PyTree],
  args: Args,
  argnums: number | readonly number[],
  options: GradOptions,
) {
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
  nums.forEach((i) => {
    if (i >= args.length) throw new RangeError(`${what}: argnums ${i} but the function got ${args.length} arguments`);
  });
  const flat = nums.flatMap((i) => leaves(args[i] as PyTree));
  let auxTree: PyTree | undefined;
  const graph = makeGraph((...xs) => {
    const res = f(...(withArgs(args, nums, xs) as Args));
    if (!options.hasAux) return [asScalarLoss(what, res)];
    if (!Array.isArray(res) || res.length !== 2) throw new TypeError(`${what}: with hasAux the function must return [loss, aux]`);
    auxTree = res[1] as PyTree;
    return [asScalarLoss(what, res[0]), ...leaves(auxTree)];
  }, avalsOf(flat));
  const finish = (outs: readonly Tensor[], perLeaf: readonly Tensor[]): [Tensor | [Tensor, PyTree], PyTree | PyTree[]] => {
    const trees = withArgs(args, nums, perLeaf);
    const grads = typeof argnums === 'number' ? (trees[nums[0]] as PyTree) : nums.map((i) => trees[i] as PyTree);
    return [options.hasAux ? [outs[0], unflatten(auxTree as PyTree, outs.slice(1))] : outs[0], grads];
  };
  return { flat, graph, finish };
}

/**
 * valueAndGrad(f, argnums)(...args) -> [value, grads] (with hasAux: [[value, aux], grads]).
 * Differentiated arguments may be Tensors or nested arrays/objects of Tensors; grads keep their structure.
 */
export function valueAndGrad<Args extends unknown[]>(
  f: (...args: Args) => Tensor | [Tensor, PyTree],
  argnums: number | readonly number[] = 0,
  options: GradOptions = {},
): (...args: Args) => [Tensor | [Tensor, PyTree], PyTree | PyTree[]] {
  return (...args: Args) => {
    const { flat, graph, finish } = traceLoss('grad', f, args, argnums, options);
    const { outs, pullback } = vjpGraph(graph, flat);
    const loss = outs[0];
    return finish(
      outs,
      orZeros(pullback([ops.broadcastTo(ops.scalar(1, loss.dtype), loss.shape), ...outs.slice(1).map(() => null)]), flat),
    );
  };
}

/** grad(f, argnums)(...args): gradient of a scalar function, shaped like the differentiated argument(s). */
export function grad<Args extends unknown[]>(
  f: (...args: Args) => Tensor,
  argnums: number | readonly number[] = 0,
): (...args: Args) => PyTree {
  const vg = valueAndGrad(f, argnums);
  return (...args: Args) => vg(...args)[1] as PyTree;
}

/** vjp(f, ...primals) -> [out, pullback]; pullback(ct) gives one cotangent per primal. */
export function vjp(f: (...xs: Tensor[]) => Tensor, ...primals: Tensor[]): [Tensor, (ct: Tensor) => Tensor[]] {
  const g = makeGraph((...xs) => f(...xs), avalsOf(primals));
  const { outs, pullback } = vjpGraph(g, primals);
  return [outs[0], (ct: Tensor) => orZeros(pullback([ct]), primals)];
}

/**
 * Forward gradient (Baydin et al. 2022, "Gradients without Backpropagation"): forwardGrad(f, argnums)(key, ...args)
 * -> [value, (grad f . v) v] with v ~ N(0, I) drawn from `key`, an i32 scalar (one Gaussian per differentiated leaf), from a
 * single jvp: no backward pass, no stored activations. An unbiased estimate of the gradient, shaped like it; a new
 * key per step gives fresh directions. `key` may be a traced i32 scalar, so jit(forwardGrad(f)) compiles once.
 */
export function forwardGrad<Args extends unknown[]>(
  f: (...args: Args) => Tensor | [Tensor, PyTree],
  argnums: number | readonly number[] = 0,
  options: GradOptions = {},
): (key: Tensor, ...args: Args) => [Tensor | [Tensor, PyTree], PyTree | PyTree[]] {
  return (key, ...args) => {
    if (key.dtype !== 'i32' || key.size !== 1) {
      throw new TypeError(`forwardGrad: the key must be an i32 scalar (fx.scalar(step, 'i32')), got ${key.dtype} ${fmt(key.shape)}`);
    }
    const { flat, graph, finish } = traceLoss('forwardGrad', f, args, argnums, options);
    // leaf i of step `key` draws from key * L + i: distinct streams across leaves and steps
    const base = ops.mul(ops.reshape(key, []), ops.scalar(flat.length, 'i32'));
    const dirs = flat.map((t, i) =>
      bind('random', [ops.add(base, ops.scalar(i, 'i32'))], { dist: 'normal', shape: [...t.shape], dtype: t.dtype }),
    );
    // only the loss (output 0) is differentiated; aux leaves ride along as plain outputs
    const [outs, [t]] = jvpGraph(graph, flat, dirs);
    const slope = t ?? ops.zerosLike(outs[0]);
    return finish(
      outs,
      dirs.map((v) => ops.mul(v, slope)),
    );
  };
}

/** jvp(f, primals, tangents) -> [f(primals), directional derivative]. */
export function jvp(f: (...xs: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  if (primals.length !== tangents.length) {
    throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  }
  primals.forEach((p, i) => {
    if (fmt(p.shape) !== fmt(tangents[i].shape)) {
      throw new Error(`jvp: tangent ${i} has shape ${fmt(tangents[i].shape)}, primal has ${fmt(p.shape)}`);
    }
  });
  const g = makeGraph((...xs) => f(...xs), avalsOf(primals));
  const [[out], [t]] = jvpGraph(g, primals, tangents);
  return [out, t ?? ops.zerosLike(out)];
}

/**
 * Taylor mode (JAX jet convention): series[k-1] is the k-th derivative of the input curve at 0
 * (null = zero); returns f(primal) and the output curve's derivatives 1..K.
 */
export function jet(f: (x: Tensor) => Tensor, primal: Tensor, series: ReadonlyArray<Tensor | null>): [Tensor, Tensor[]] {
  series.forEach((s, k) => {
    if (s && fmt(s.shape) !== fmt(primal.shape)) {
      throw new Error(`jet: series term ${k + 1} has shape ${fmt(s.shape)}, primal has ${fmt(primal.shape)}`);
    }
  });
  const g = makeGraph((x) => f(x), avalsOf([primal]));
  const [[out], [outSeries]] = jetGraph(g, [primal], [series], series.length);
  return [out, outSeries.map((t) => t ?? ops.zerosLike(out))];
}

export interface JitOptions {
  /** run on this backend instead of the current one (compiled by it when it can compile graphs) */
  backend?: Backend;
  /**
   * the returned tensors' buffers belong to the compiled function and are overwritten by its next call: for drivers
   * that copy the outputs out at once (a time stepper), so no call allocates its outputs
   */
  reuseOutputs?: boolean;
}

/**
 * jit(f): traces f once per input shape signature and replays the graph. Concrete tensors that f
 * closes over are baked in as constants at trace time (as in JAX).
 */
export function jit<Args extends PyTree[], R extends PyTree>(f: (...args: Args) => R, options: JitOptions = {}): (...args: Args) => R {
  // compiled graphs belong to the backend they were built for
  const caches = new WeakMap<Backend, Map<string, { graph: Graph; outLike: R; exe?: Compiled }>>();
  return (...args: Args) => {
    const backend = options.backend ?? currentBackend();
    let cache = caches.get(backend);
    if (!cache) caches.set(backend, (cache = new Map()));
    const flat = args.flatMap((a) => leaves(a));
    const key = signature(args, flat);
    let entry = cache.get(key);
    if (!entry) {
      let outLike: R | undefined;
      const graph = makeGraph((...xs) => {
        outLike = f(...unflattenEach(args, xs));
        return leaves(outLike);
      }, avalsOf(flat));
      entry = { graph, outLike: outLike as R };
      // graphs that read values of an enclosing trace are only valid inside it: neither reuse nor compile them
      if (!graph.captured.length) {
        entry.exe = backend.compile?.(graph);
        cache.set(key, entry);
      }
    }
    const concrete = flat.every((t) => !t.isTracer);
    const graph = entry.graph;
    const outs =
      entry.exe && concrete
        ? entry.exe.run(flat, { reuseOutputs: options.reuseOutputs })
        : options.backend
          ? withBackend(options.backend, () => evalGraph(graph, flat))
          : evalGraph(graph, flat);
    return unflatten(entry.outLike, outs);
  };
}

export { makeGraph };
