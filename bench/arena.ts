// The working-memory figure the memory comparisons report (adjoint/implicit against unrolled differentiation,
// checkpointing): the wasm arena that the compiled gradient program allocates. Shared by bench/, test/ and examples/.
import * as fx from '../index.js';
import { findBackend } from '../core/backend/index.js';

/** Bytes of working memory the wasm backend allocates for the compiled gradient program of f at xs. */
export function gradArenaBytes(f: (...xs: fx.Tensor[]) => fx.Tensor, xs: fx.Tensor[]): number {
  const g = fx.makeGraph(
    (...ys: fx.Tensor[]) =>
      fx.grad(
        f,
        xs.map((_, i) => i),
      )(...ys) as fx.Tensor[],
    xs,
  );
  const bytes = findBackend('wasm')?.compile?.(g).arenaBytes;
  if (bytes === undefined) throw new Error('gradArenaBytes: the wasm backend does not report arenaBytes');
  return bytes;
}
