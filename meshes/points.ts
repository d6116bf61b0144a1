// Point sets: row-major Float64Array of count*dim coordinates. Shared by geometry, grids and I/O.

export interface Points {
  readonly data: Float64Array;
  readonly dim: number;
}

export interface BBox {
  readonly min: Float64Array;
  readonly max: Float64Array;
}

export function pointCount(p: Points): number {
  return p.data.length / p.dim;
}

export function makePoints(data: Float64Array | number[], dim: number): Points {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`dim: expected a positive integer, got ${dim}`);
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  if (arr.length % dim !== 0) {
    throw new Error(`points: data length ${arr.length} is not a multiple of dim ${dim}`);
  }
  return { data: arr, dim };
}

/** Throws unless `p` has dimension `dim`; `what` names the caller's argument. */
export function checkDim(p: Points, dim: number, what = 'points'): void {
  if (p.dim !== dim) throw new Error(`${what}: expected dim ${dim}, got ${p.dim}`);
  if (p.data.length % dim !== 0) throw new Error(`${what}: data length ${p.data.length} is not a multiple of dim ${dim}`);
}

/** Keeps the rows whose mask entry is nonzero. */
export function selectRows(p: Points, mask: Uint8Array, limit = Infinity): Points {
  const n = pointCount(p);
  let kept = 0;
  for (let i = 0; i < n && kept < limit; i++) if (mask[i]) kept++;
  const out = new Float64Array(kept * p.dim);
  let j = 0;
  for (let i = 0; i < n && j < kept; i++) {
    if (!mask[i]) continue;
    for (let k = 0; k < p.dim; k++) out[j * p.dim + k] = p.data[i * p.dim + k];
    j++;
  }
  return { data: out, dim: p.dim };
}

export function concatPoints(parts: readonly Points[], dim: number): Points {
  let len = 0;
  for (const p of parts) {
    checkDim(p, dim, 'concatPoints part');
    len += p.data.length;
  }
  const out = new Float64Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p.data, off);
    off += p.data.length;
  }
  return { data: out, dim };
}

/** Maps unit-cube samples in place onto the box. */
export function scaleToBox(unit: Float64Array, box: BBox): Float64Array {
  const d = box.min.length;
  for (let k = 0; k < d; k++) {
    const lo = box.min[k];
    const w = box.max[k] - lo;
    for (let i = k; i < unit.length; i += d) unit[i] = lo + w * unit[i];
  }
  return unit;
}

export function checkCount(n: number, what = 'n'): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: expected a non-negative integer, got ${n}`);
}
