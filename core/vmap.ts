// vmap and the Jacobians built on it (JAX's vmap, jacfwd, jacrev, hessian).
import { makeGraph } from './trace.js';
import { eye, type Tensor } from './tensor.js';
import * as ops from './ops.js';
import { leaves, unflatten, unflattenEach, type PyTree } from './pytree.js';
import { batchGraph } from './transforms/batch.js';
import { lift, moveAxis } from './prims/batching.js';
import { lax } from './lax.js';
import { jvp, vjp } from './api.js';
import { fmt, sizeOf } from './shape.js';

/** Which axis of an argument (every leaf of it) is mapped over; null: the argument is shared by all examples. */
export type InAxis = number | null;

const normalise = (axis: number, rank: number, what: string): number => {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new RangeError(`vmap: ${what} axis ${axis} is out of range for rank ${rank}`);
  return a;
};

/**
 * vmap(f, inAxes, outAxes)(...args): f mapped over an axis of its arguments, as if called once per example
 * and the results stacked along `outAxes`. inAxes: one axis for every argument, or one per argument (null =
 * shared); outAxes: one axis for every output leaf, or one per leaf. Composes with grad, jvp, jet and jit.
 */
export function vmap<Args extends PyTree[], R extends PyTree>(
  f: (...args: Args) => R,
  inAxes: InAxis | readonly InAxis[] = 0,
  outAxes: number | readonly number[] = 0,
): (...args: Args) => R {
  return (...args: Args) => {
    const axesPerArg = Array.isArray(inAxes) ? inAxes : args.map(() => inAxes as InAxis);
    if (axesPerArg.length !== args.length) {
      throw new Error(`vmap: inAxes has ${axesPerArg.length} entries but the function got ${args.length} arguments`);
    }
    const counts = args.map((a) => leaves(a).length);
    const flat = args.flatMap((a) => leaves(a));
    const leafAxes = args.flatMap((_, i) => Array<InAxis>(counts[i]).fill(axesPerArg[i]));
    let size: number | undefined;
    const moved = flat.map((t, i) => {
      const ax = leafAxes[i];
      if (ax === null) return t;
      const a = normalise(ax, t.rank, `input ${i}`);
      if (size === undefined) size = t.shape[a];
      else if (t.shape[a] !== size) {
        throw new Error(`vmap: mapped axes have different sizes: ${size} and ${t.shape[a]} (input ${i}, shape ${fmt(t.shape)})`);
      }
      return moveAxis(lax, t, a, 0);
    });
    if (size === undefined) throw new Error('vmap: no argument is mapped (every inAxes entry is null)');
    let outLike: R | undefined;
    const g = makeGraph(
      (...xs) => {
        outLike = f(...unflattenEach(args, xs));
        return leaves(outLike);
      },
      moved.map((t, i) => ({ shape: leafAxes[i] === null ? t.shape : t.shape.slice(1), dtype: t.dtype })),
    );
    const n = size;
    const r = batchGraph(
      g,
      moved,
      leafAxes.map((a) => (a === null ? null : 0)),
      n,
    );
    const outs = r.values.map((v, i) => {
      const y = lift(lax, v, r.bdims[i], n);
      const ax = typeof outAxes === 'number' ? outAxes : outAxes[i];
      if (ax === undefined)
        throw new Error(`vmap: outAxes has ${(outAxes as number[]).length} entries, the function returned ${r.values.length} leaves`);
      return moveAxis(lax, y, 0, normalise(ax, y.rank, `output ${i}`));
    });
    return unflatten(outLike as R, outs) as R;
  };
}

/** The standard basis of a space shaped `shape`, stacked: [size, ...shape]. */
const basis = (x: Tensor): Tensor => ops.reshape(eye(x.size, x.dtype), [x.size, ...x.shape]);

/** jacfwd(f)(x): the Jacobian by forward mode, shaped [...out, ...in]; one batched jvp over the input basis. */
export function jacfwd(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const columns = vmap((v: Tensor) => jvp(f, [x], [v])[1])(basis(x)) as Tensor; // [in.size, ...out]
    const out = columns.shape.slice(1);
    return ops.reshape(ops.transpose(ops.reshape(columns, [x.size, sizeOf(out)]), [1, 0]), [...out, ...x.shape]);
  };
}

/** jacrev(f)(x): the Jacobian by reverse mode, shaped [...out, ...in]; one batched vjp over the output basis. */
export function jacrev(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const [y, pullback] = vjp(f, x);
    const rows = vmap((ct: Tensor) => pullback(ct)[0])(basis(y)) as Tensor; // [out.size, ...in]
    return ops.reshape(rows, [...y.shape, ...x.shape]);
  };
}

/** hessian(f)(x) for a scalar f: forward over reverse, shaped [...in, ...in]. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacfwd(jacrev(f));
}
