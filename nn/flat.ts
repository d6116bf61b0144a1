// Parameter trees <-> one flat vector, the form optim/ works on: the one copy for every trainer (pinn/,
// operators/), the benchmarks and the examples.
import { Tensor } from '../core/tensor.js';
import { leaves, unflatten, type PyTree } from '../core/pytree.js';
import type { DType, FloatArray } from '../core/dtype.js';

export type FlatVec = FloatArray;

export function allocVec(dtype: DType, n: number): FlatVec {
  return dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

/** Total number of scalars in a tree. */
export function treeSize(tree: PyTree): number {
  return leaves(tree).reduce((s, t) => s + t.size, 0);
}

/** Concatenates every leaf (in leaves() order) into one vector of `dtype` (or into `out`). */
export function flattenTree(tree: PyTree, dtype: 'f64', out?: Float64Array): Float64Array;
export function flattenTree(tree: PyTree, dtype: 'f32', out?: Float32Array): Float32Array;
export function flattenTree(tree: PyTree, dtype: DType, out?: FlatVec): FlatVec;
export function flattenTree(tree: PyTree, dtype: DType, out?: FlatVec): FlatVec {
  const ls = leaves(tree);
  const v = out ?? allocVec(dtype, treeSize(tree));
  let at = 0;
  for (const t of ls) {
    v.set(t.dataSync(), at);
    at += t.size;
  }
  return v;
}

/** Rebuilds `like`'s structure from a flat vector (fresh tensors, copies of the data). */
export function unflattenTree<T extends PyTree>(like: T, v: FlatVec): T {
  let at = 0;
  const ts = leaves(like).map((t) => {
    // typed-array constructors copy (and convert) typed arrays in bulk; Float32Array.from iterates element by element
    const part = v.subarray(at, at + t.size);
    const data = t.dtype === 'f64' ? new Float64Array(part) : new Float32Array(part);
    at += t.size;
    return new Tensor(t.shape, t.dtype, data);
  });
  if (at !== v.length) throw new Error(`unflattenTree: vector has ${v.length} entries, the tree needs ${at}`);
  return unflatten(like, ts);
}

/** [start, end) of every rank-2 leaf (the weight matrices) in the flattened parameter vector. */
export function matrixRanges(params: PyTree): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 0;
  for (const t of leaves(params)) {
    if (t.rank === 2) out.push([at, at + t.size]);
    at += t.size;
  }
  return out;
}
