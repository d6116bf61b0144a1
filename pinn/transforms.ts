// Helpers for hard-constraint output transforms `transform(x, out)`.
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';

/** Column i of a row-wise tensor [N, k] as [N, 1] (keeps broadcasting against [N, fields] simple). */
export function column(x: Tensor, i: number): Tensor {
  if (x.rank !== 2 || i < 0 || i >= x.shape[1]) throw new Error(`column: index ${i} out of range for shape [${x.shape.join(', ')}]`);
  return ops.sliceAxis(x, 1, i, i + 1);
}
