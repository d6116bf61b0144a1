// Anchor points (DeepXDE's `anchors`): fixed points added to the PDE residual points at every step.

/** Row-major n x dim anchors from a flat array or one array per point; errors name `where`. */
export function anchorRows(anchors: Float64Array | ReadonlyArray<readonly number[]>, dim: number, where = 'anchors'): Float64Array {
  if (anchors instanceof Float64Array) {
    if (anchors.length === 0 || anchors.length % dim !== 0)
      throw new Error(`${where}: expected n x ${dim} coordinates, got ${anchors.length} numbers`);
    return anchors;
  }
  if (!anchors.length) throw new Error(`${where}: expected at least one point`);
  anchors.forEach((p, i) => {
    if (p.length !== dim || !p.every(Number.isFinite))
      throw new Error(`${where}[${i}]: expected ${dim} finite coordinates, got [${p.join(', ')}]`);
  });
  return Float64Array.from(anchors.flat());
}

/** a followed by b (a itself when b is empty). */
export function appendRows(a: Float64Array, b: Float64Array | null): Float64Array {
  if (!b?.length) return a;
  const x = new Float64Array(a.length + b.length);
  x.set(a);
  x.set(b, a.length);
  return x;
}
