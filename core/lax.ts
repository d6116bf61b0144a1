// The operations derivative rules are written in. Every rule receives this set as its first argument,
// so primitive modules (core/prims/) never import ops at run time and the core has no import cycle.
import * as ops from './ops.js';
import { bind } from './trace.js';
import { fftAdjoints } from './fft.js';
import type { Tensor } from './tensor.js';

/** Sums `t` down to `shape` (the adjoint of broadcasting). */
function unbroadcast(t: Tensor, shape: readonly number[]): Tensor {
  const lead = t.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < t.rank; d++) if (d < lead || (shape[d - lead] === 1 && t.shape[d] !== 1)) axes.push(d);
  return ops.reshape(ops.sum(t, axes), shape);
}

/** Shape of a reduction's output with the reduced axes kept as size 1. */
const keptShape = (inShape: readonly number[], axes: readonly number[]): number[] => inShape.map((d, i) => (axes.includes(i) ? 1 : d));

export const lax = { ...ops, bind, fftAdjoints, unbroadcast, keptShape };
export type Lax = typeof lax;
