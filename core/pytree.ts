// Nested arrays / plain objects of Tensors ("pytrees"), flattened to leaves for the transformations.
import { Tensor } from './tensor.js';

export type PyTree = Tensor | readonly PyTree[] | { readonly [key: string]: PyTree };

export function leaves(tree: PyTree): Tensor[] {
  if (tree instanceof Tensor) return [tree];
  if (Array.isArray(tree)) return tree.flatMap((t: PyTree) => leaves(t));
  if (tree && typeof tree === 'object') return Object.keys(tree).flatMap((k) => leaves((tree as Record<string, PyTree>)[k]));
  throw new TypeError(`expected a Tensor or a nested array/object of Tensors, got ${String(tree)}`);
}

/** Rebuilds `like`'s structure from leaves taken in order. */
export function unflatten<T extends PyTree>(like: T, values: readonly Tensor[]): T {
  let i = 0;
  const build = (t: PyTree): PyTree => {
    if (t instanceof Tensor) return values[i++];
    if (Array.isArray(t)) return t.map(build);
    const obj = t as Record<string, PyTree>;
    return Object.fromEntries(Object.keys(obj).map((k) => [k, build(obj[k])]));
  };
  return build(like) as T;
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
