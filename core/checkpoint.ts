// Rematerialisation (JAX's checkpoint / remat): under grad, f keeps only its inputs from the forward pass and
// recomputes its intermediates when the backward pass reaches it, trading one extra forward for memory.
import { customVjp } from './custom.js';
import { vjp } from './api.js';
import type { Tensor } from './tensor.js';

/**
 * f, differentiated by recomputation: grad/vjp store f's inputs only, and the backward pass re-runs f to
 * build its pullback. Values and derivatives are those of f; jvp and jet differentiate f directly.
 */
export function checkpoint(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor {
  return customVjp(
    f,
    (...xs) => [f(...xs), xs],
    (xs, ct) => vjp(f, ...xs)[1](ct),
  );
}
