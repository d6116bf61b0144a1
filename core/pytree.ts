// Nested arrays / plain objects of Tensors ("pytrees"), flattened to leaves for the transformations.
import { Tensor } from './tensor.js';

export type PyTree = Tensor | readonly PyTree[] | { readonly [key: string]: PyTree };

export function leaves(tree: PyTree): Tensor[] {
  return leavesWhere(tree, isTensor, 'a Tensor');
}

const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;

/**
 * The leaves of a nested array/object whose leaves are told apart by `isLeaf` (Tensors for pytrees; other
 * leaf types for trees of device-resident values). `what` names the leaf type in the error.
 */
export function leavesWhere<L>(tree: unknown, isLeaf: (x: unknown) => x is L, what: string): L[] {
  if (isLeaf(tree)) return [tree];
  if (Array.isArray(tree)) return tree.flatMap((t: unknown) => leavesWhere(t, isLeaf, what));
  if (tree && typeof tree === 'object')
    return Object.keys(tree).flatMap((k) => leavesWhere((tree as Record<string, unknown>)[k], isLeaf, what));
  throw new TypeError(`expected ${what} or a nested array/object of them, got ${String(tree)}`);
}

/** Rebuilds `like`'s structure from leaves taken in order. */
export function unflatten<T extends PyTree>(like: T, values: readonly Tensor[]): T {
  return unflattenWhere(like, values, isTensor) as T;
}

/** Rebuilds `like`'s structure (leaves told apart by `isLeaf`) with `values` in place of its leaves, in order. */
export function unflattenWhere(like: unknown, values: readonly unknown[], isLeaf: (x: unknown) => boolean): unknown {
  let i = 0;
  const build = (t: unknown): unknown => {
    if (isLeaf(t)) return values[i++];
    if (Array.isArray(t)) return t.map(build);
    const obj = t as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).map((k) => [k, build(obj[k])]));
  };
  return build(like);
}

/** Each tree of `likes` rebuilt in turn from consecutive leaves of `values` (the inverse of likes.flatMap(leaves)). */
export function unflattenEach<T extends readonly PyTree[]>(likes: T, values: readonly Tensor[]): T {
  let at = 0;
  return likes.map((like) => {
    const n = leaves(like).length;
    return unflatten(like, values.slice(at, (at += n)));
  }) as unknown as T;
}

/** Applies f leaf-wise over trees of equal structure. */
export function mapTree<T extends PyTree>(f: (...ts: Tensor[]) => Tensor, tree: T, ...rest: T[]): T {
  const others = rest.map(leaves);
  return unflatten(
    tree,
    leaves(tree).map((t, i) => f(t, ...others.map((o) => o[i]))),
  );
}
